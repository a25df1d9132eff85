package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.spark.PartitionOutput.SpilledBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TempLocalBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.reflect.ClassTag$;

/**
 * On an executor, inside a task: writes the partition's batches beyond its inline share to the
 * executor's block manager, one block per {@code blockBytes} or so, as Spark writes large task
 * results. DISK_ONLY, unlike Spark's MEMORY_AND_DISK_SER for task results: a result larger than
 * memory must not take the heap, nor evict what users cached to make room. The blocks are told to
 * the master, so the driver can fetch them from any executor and find them to remove.
 */
final class BlockSpill {

  /** Bits of a block id's low half that number the blocks of one task attempt. */
  private static final int INDEX_BITS = 24;

  private final BlockManager blockManager = SparkEnv.get().blockManager();
  private final long streamKey;
  private final long taskAttemptId;
  private final long blockBytes;
  private final List<ArrowBatch> pending = new ArrayList<>();
  private final List<SpilledBlock> written = new ArrayList<>();
  private long pendingBytes;

  BlockSpill(long streamKey, long taskAttemptId, long blockBytes) {
    this.streamKey = streamKey;
    this.taskAttemptId = taskAttemptId;
    this.blockBytes = blockBytes;
  }

  /**
   * A block's id: the stream's key in the high half (what the driver's sweep matches), the task
   * attempt and the block's index in the low half, so that two attempts of one partition (a retry,
   * a speculative copy) never name the same block.
   */
  static UUID id(long streamKey, long taskAttemptId, int index) {
    return new UUID(streamKey, (taskAttemptId << INDEX_BITS) | index);
  }

  void add(ArrowBatch batch) {
    pending.add(batch);
    pendingBytes += batch.data().size();
    if (pendingBytes >= blockBytes) {
      flush();
    }
  }

  SpilledBlock[] finish() {
    flush();
    return written.toArray(new SpilledBlock[0]);
  }

  /** Removes what was written: the task failed or was killed, and no one will read the blocks. */
  void discard() {
    for (SpilledBlock block : written) {
      try {
        blockManager.removeBlock(new TempLocalBlockId(block.id()), true);
      } catch (RuntimeException e) {
        // The task's own failure is what matters; the directory goes with the application.
      }
    }
    written.clear();
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    if (written.size() >= 1 << INDEX_BITS) {
      throw new IllegalStateException("A partition's result needs more than 2^24 blocks");
    }
    UUID id = id(streamKey, taskAttemptId, written.size());
    long rows = 0;
    for (ArrowBatch batch : pending) {
      rows += batch.rowCount();
    }
    boolean stored =
        blockManager.putBytes(
            new TempLocalBlockId(id),
            new ChunkedByteBuffer(BlockFormat.encode(pending)),
            StorageLevel.DISK_ONLY(),
            true,
            ClassTag$.MODULE$.Nothing());
    if (!stored) {
      throw new IllegalStateException("Could not store result block " + id + " on the executor");
    }
    written.add(new SpilledBlock(id, pendingBytes, rows));
    pending.clear();
    pendingBytes = 0;
  }
}
