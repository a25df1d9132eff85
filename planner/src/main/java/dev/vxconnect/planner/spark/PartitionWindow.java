package dev.vxconnect.planner.spark;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.ThreadUtils$;
import scala.collection.immutable.Range$;
import scala.collection.immutable.Seq;
import scala.concurrent.duration.Duration;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * One Spark job over a contiguous range of partitions, whose inline Arrow batches are held on the
 * driver until they are sent (a partition's batches beyond its share of the window stay in blocks on
 * the executors: {@link PartitionEncoder}). At most two windows exist at a time (one being sent, the
 * next being computed), so the driver holds a bounded share of the result instead of all of it.
 */
final class PartitionWindow {

  /** A cancelled job ends as soon as the scheduler handles the cancel: moments, not seconds. */
  private static final long CANCEL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int from;
  private final PartitionOutput[] results;
  private final SimpleFutureAction<BoxedUnit> job;

  private PartitionWindow(
      int from, int to, SimpleFutureAction<BoxedUnit> job, PartitionOutput[] results) {
    this.from = from;
    this.results = results;
    this.job = job;
  }

  /**
   * Submits the job for partitions [from, to); it takes the calling thread's job tags. Each
   * partition's inline batches are counted in {@code fetched} as they arrive.
   */
  static PartitionWindow submit(
      SparkContext sc,
      RDD<InternalRow> rows,
      PartitionEncoder encoder,
      int from,
      int to,
      FetchedBytes fetched,
      ResultBlocks blocks) {
    PartitionOutput[] results = new PartitionOutput[to - from];
    @SuppressWarnings("unchecked")
    Seq<Object> partitions = (Seq<Object>) (Object) Range$.MODULE$.apply(from, to);
    SimpleFutureAction<BoxedUnit> job =
        sc.submitJob(
            rows,
            encoder,
            partitions,
            (index, output) -> {
              // index is the position in `partitions`; Spark calls this from its scheduler thread.
              results[(Integer) index] = output;
              fetched.arrived(output.inline());
              blocks.arrived(output);
              return BoxedUnit.UNIT;
            },
            () -> BoxedUnit.UNIT);
    for (Object jobId : CollectionConverters.asJava(job.jobIds())) {
      blocks.submitted((Integer) jobId);
    }
    return new PartitionWindow(from, to, job, results);
  }

  int from() {
    return from;
  }

  int end() {
    return from + results.length;
  }

  int size() {
    return results.length;
  }

  /** Waits for the job and returns each partition's output, in partition order. */
  PartitionOutput[] await() throws Throwable {
    try {
      ThreadUtils$.MODULE$.awaitReady(job, Duration.Inf());
    } catch (Throwable t) {
      // Scala does not declare it, but awaitReady throws InterruptedException when interrupted.
      cancel();
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for a Spark job");
      }
      throw t;
    }
    Try<BoxedUnit> outcome = job.value().get();
    if (outcome.isFailure()) {
      throw outcome.failed().get();
    }
    return results;
  }

  /**
   * Cancels the job if it still runs, and waits, through interrupts and at most {@link
   * #CANCEL_WAIT_NANOS}, until Spark's scheduler has ended it: from then on it launches no task.
   * A cancel is only a message to the scheduler; an execution returning before it lands would let
   * its session's close (which waits for the session's executions, then for its running tasks,
   * before it deletes the session's files) miss tasks launched after it returned.
   */
  void cancel() {
    if (job.isCompleted()) {
      return;
    }
    job.cancel();
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + CANCEL_WAIT_NANOS;
    while (!job.isCompleted() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
