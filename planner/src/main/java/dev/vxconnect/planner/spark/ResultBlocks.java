package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.spark.PartitionOutput.SpilledBlock;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The driver's side of one result stream's spilled blocks ({@link BlockSpill}): each is read when
 * its turn to be sent comes and removed once read, so the driver holds one block at a time and the
 * executors' disks give back what was sent. Blocks nobody will read (a failed or interrupted
 * stream, partitions of a cancelled job handed over late, tasks that finished after their job was
 * cancelled) are found by the stream's key among the blocks the master knows and removed: at once,
 * and again once no task of the stream's jobs runs any more.
 */
final class ResultBlocks {

  private static final Logger LOG = LoggerFactory.getLogger(ResultBlocks.class);

  /**
   * The latest the stream's blocks are looked for once more after an abnormal end, whether its
   * jobs' tasks have ended or not: a task that finishes after its job was cancelled is not waited
   * for by the cancel, and its result, blocks and all, is dropped by the scheduler.
   */
  private static final long LATE_SWEEP_SECONDS = 30;

  /** How often, after an abnormal end, the stream's jobs are looked at for tasks still running. */
  private static final long TASK_CHECK_MILLIS = 500;

  /**
   * Removals are RPCs to the master: never on Spark's scheduler thread (late partitions), nor on an
   * operation's thread, which an interrupt may have marked. Its one thread lives as long as the
   * server and is made by whichever thread first needs it, perhaps a session's: it inherits
   * nothing, so that it keeps no session.
   */
  private static final ScheduledExecutorService CLEANER =
      Executors.newSingleThreadScheduledExecutor(
          task ->
              PoolThreads.inheritingNothing(
                  task, "vxconnect-result-blocks", ResultBlocks.class.getClassLoader()));

  private final SparkStatusTracker tracker;
  private final long streamKey;
  private final List<Integer> jobs = new CopyOnWriteArrayList<>();
  private boolean closed;

  ResultBlocks(SparkStatusTracker tracker, long streamKey) {
    this.tracker = tracker;
    this.streamKey = streamKey;
  }

  /** A job of the stream was submitted: its tasks may write blocks. */
  void submitted(int jobId) {
    jobs.add(jobId);
  }

  long streamKey() {
    return streamKey;
  }

  /** Called on Spark's scheduler thread as each partition's output arrives. */
  synchronized void arrived(PartitionOutput output) {
    if (closed && output.spilled().length > 0) {
      SpilledBlock[] late = output.spilled();
      for (SpilledBlock block : late) {
        remove(block);
      }
    }
  }

  /** The block's batches, from this JVM's block manager when it holds it, else fetched. */
  ArrowBatch[] read(SpilledBlock block) {
    BlockManager blockManager = SparkEnv.get().blockManager();
    TempLocalBlockId id = new TempLocalBlockId(block.id());
    try {
      Option<BlockData> local = blockManager.getLocalBytes(id);
      if (local.isDefined()) {
        BlockData data = local.get();
        try (InputStream in = data.toInputStream()) {
          return BlockFormat.decode(in);
        } finally {
          blockManager.releaseLockAndDispose(id, data, Option.empty());
        }
      }
      Option<ChunkedByteBuffer> remote = blockManager.getRemoteBytes(id);
      if (remote.isEmpty()) {
        throw new SparkException(
            "Result block "
                + id
                + " is gone (its executor was lost?); the result cannot go on: run the query again");
      }
      try (InputStream in = remote.get().toInputStream(true)) {
        return BlockFormat.decode(in);
      }
    } catch (IOException | SparkException e) {
      if (Thread.currentThread().isInterrupted()) {
        // An interrupt closes the file channel under the read: the operation was interrupted.
        throw new CancellationException("interrupted while reading a result block");
      }
      throw Throwables.rethrow(
          e instanceof SparkException
              ? e
              : new SparkException("Could not read result block " + id + ": " + e.getMessage(), e));
    }
  }

  /**
   * Removes a block wherever it is (the master tells its executor), on the cleaner's thread: an
   * RPC, which an interrupted operation thread could not make.
   */
  void remove(SpilledBlock block) {
    CLEANER.execute(() -> removeNow(new TempLocalBlockId(block.id())));
  }

  /**
   * Ends the stream. A completed stream read and removed every block; any other end removes every
   * block of the stream the master knows, at once and once more when its jobs' last tasks ended.
   */
  void close(boolean completed) {
    synchronized (this) {
      closed = true;
    }
    if (!completed) {
      CLEANER.execute(this::sweep);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LATE_SWEEP_SECONDS);
      CLEANER.schedule(() -> sweepOnceIdle(deadline), TASK_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Sweeps once no task of the stream's jobs runs, or at the deadline; until then looks again. */
  private void sweepOnceIdle(long deadline) {
    if (tasksRunning() && System.nanoTime() < deadline) {
      CLEANER.schedule(() -> sweepOnceIdle(deadline), TASK_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      sweep();
    }
  }

  /** Whether a stage of the stream's jobs still has running tasks, as Spark's status store says. */
  private boolean tasksRunning() {
    try {
      for (int job : jobs) {
        Option<SparkJobInfo> info = tracker.getJobInfo(job);
        if (info.isEmpty()) {
          continue; // forgotten by the store (retainedJobs): long over
        }
        for (int stage : info.get().stageIds()) {
          Option<SparkStageInfo> stageInfo = tracker.getStageInfo(stage);
          if (stageInfo.isDefined() && stageInfo.get().numActiveTasks() > 0) {
            return true;
          }
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false; // the context is stopping: sweep now
    }
  }

  private void sweep() {
    try {
      SparkEnv env = SparkEnv.get();
      if (env == null) {
        return; // stopped: the block manager deleted its directories
      }
      Iterator<BlockId> left =
          env.blockManager()
              .master()
              .getMatchingBlockIds(new OfStream(streamKey), false)
              .iterator();
      while (left.hasNext()) {
        removeNow(left.next());
      }
    } catch (Exception e) {
      LOG.warn("Could not look for the blocks of a result stream", e);
    }
  }

  private static void removeNow(BlockId id) {
    try {
      SparkEnv env = SparkEnv.get();
      if (env != null) {
        env.blockManager().master().removeBlock(id);
      }
    } catch (Exception e) {
      LOG.warn("Could not remove result block {}", id, e);
    }
  }

  /** Matches the blocks of one stream: the high half of their UUID is the stream's key. */
  private static final class OfStream extends AbstractFunction1<BlockId, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long streamKey;

    OfStream(long streamKey) {
      this.streamKey = streamKey;
    }

    @Override
    public Object apply(BlockId id) {
      if (id instanceof TempLocalBlockId temp) {
        UUID uuid = temp.id();
        return uuid.getMostSignificantBits() == streamKey;
      }
      return false;
    }
  }
}
