package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.Cancellation;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.TypeUtils$;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.connect.config.Connect$;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.SQLExecution$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.runtime.BoxedUnit;

/**
 * Streams a Dataset's rows as Arrow batches built on the executors, partition by partition in
 * order. Partitions are fetched in windows: one Spark job per window, the next window computed
 * while the current one is sent, and the window's size adapted so that it holds about
 * {@code windowBytes} of Arrow data. Each partition of a window brings at most its share of the
 * window to the driver; what it has beyond that waits in blocks on its executor's disk and is
 * fetched one block (a quarter of the window) at a time, in order, when its turn to be sent comes
 * ({@link PartitionEncoder}, {@link ResultBlocks}). A slow consumer blocks {@link
 * ArrowBatchSender#send}, so no block is fetched and no new window is started before it reads, and
 * the query slows down with its client. The bytes on the driver are reported to the sink ({@link
 * FetchedBytes}) until they are sent.
 */
final class ArrowResultStreamer {

  /** The smallest spilled block, whatever the window: fewer, larger reads. */
  private static final long MIN_BLOCK_BYTES = 1L << 20;

  private final ExecuteHolder executeHolder;
  private final ArrowBatchSender sender;
  private final FetchedBytes fetched;
  private final Cancellation cancellation;
  private final long windowBytes;

  ArrowResultStreamer(
      ExecuteHolder executeHolder,
      ArrowBatchSender sender,
      FetchedBytes fetched,
      Cancellation cancellation,
      long windowBytes) {
    this.executeHolder = executeHolder;
    this.sender = sender;
    this.fetched = fetched;
    this.cancellation = cancellation;
    this.windowBytes = windowBytes;
  }

  void stream(Dataset<Row> dataset) {
    SQLConf conf = dataset.sparkSession().sessionState().conf();
    StructType schema = dataset.schema();
    TypeUtils$.MODULE$.failUnsupportedDataType(schema, conf);
    ArrowBatchEncoder encoder =
        new ArrowBatchEncoder(
            schema,
            conf.arrowMaxRecordsPerBatch(),
            maxBatchBytes(),
            conf.sessionLocalTimeZone(),
            conf.arrowUseLargeVarTypes());

    SparkPlan plan = dataset.queryExecution().executedPlan();
    if (plan instanceof LocalTableScanExec local) {
      // The rows are on the driver already: no job.
      finished(local.rows().length());
      // Closed even when cancelled midway: no task's end frees its Arrow memory here.
      try (ArrowBatches batches = encoder.batches(local.rows().iterator())) {
        while (batches.hasNext()) {
          sendChecked(batches.next());
        }
      }
    } else {
      SQLExecution$.MODULE$.withNewExecutionId(
          dataset.queryExecution(),
          Option.apply("collectArrow"),
          () ->
              SharedArtifactState.run(
                  dataset.sparkSession(),
                  () -> {
                    try {
                      streamWindows(dataset.sparkSession().sparkContext(), plan.execute(), encoder);
                    } finally {
                      fetched.close();
                    }
                    return BoxedUnit.UNIT;
                  }));
    }
    if (sender.sentNone()) {
      sender.send(encoder.empty());
    }
  }

  private void streamWindows(SparkContext sc, RDD<InternalRow> rows, ArrowBatchEncoder encoder) {
    int partitions = rows.getNumPartitions();
    if (partitions == 0) {
      finished(0L);
      return;
    }
    checkNotCancelled();
    ResultBlocks blocks =
        new ResultBlocks(sc.statusTracker(), UUID.randomUUID().getMostSignificantBits());
    boolean completed = false;
    int windowSize = Math.max(1, sc.defaultParallelism());
    PartitionWindow current =
        submit(sc, rows, encoder, blocks, 0, Math.min(partitions, windowSize));
    long rowsProduced = 0;
    try {
      while (current != null) {
        PartitionOutput[] results = awaitWindow(current);
        long bytes = 0;
        for (PartitionOutput partition : results) {
          bytes += partition.bytes();
          rowsProduced += partition.rows();
        }
        PartitionWindow next = null;
        if (current.end() < partitions) {
          checkNotCancelled();
          windowSize = nextWindowSize(bytes, current.size(), windowSize);
          next =
              submit(
                  sc,
                  rows,
                  encoder,
                  blocks,
                  current.end(),
                  Math.min(partitions, current.end() + windowSize));
        } else {
          finished(rowsProduced);
        }
        current = next;
        for (int i = 0; i < results.length; i++) {
          send(results[i], blocks);
          results[i] = null; // sent: the driver need not hold it while the rest is sent
        }
      }
      completed = true;
    } catch (RuntimeException | Error e) {
      if (current != null) {
        current.cancel();
      }
      throw e;
    } finally {
      blocks.close(completed);
    }
  }

  /** A job for partitions [from, to) whose partitions each bring a share of the window inline. */
  private PartitionWindow submit(
      SparkContext sc,
      RDD<InternalRow> rows,
      ArrowBatchEncoder encoder,
      ResultBlocks blocks,
      int from,
      int to) {
    PartitionEncoder tasks =
        new PartitionEncoder(
            encoder,
            windowBytes / (to - from),
            Math.max(MIN_BLOCK_BYTES, windowBytes / 4),
            blocks.streamKey());
    return PartitionWindow.submit(sc, rows, tasks, from, to, fetched, blocks);
  }

  /** A partition's inline batches, then its blocks, each read only when it is its turn. */
  private void send(PartitionOutput partition, ResultBlocks blocks) {
    for (ArrowBatch batch : partition.inline()) {
      sendChecked(batch);
      fetched.sent(batch);
    }
    for (PartitionOutput.SpilledBlock block : partition.spilled()) {
      checkNotCancelled();
      ArrowBatch[] batches = blocks.read(block);
      fetched.arrived(batches);
      blocks.remove(block);
      for (ArrowBatch batch : batches) {
        sendChecked(batch);
        fetched.sent(batch);
      }
    }
  }

  private PartitionOutput[] awaitWindow(PartitionWindow window) {
    try {
      return window.await();
    } catch (Throwable t) {
      // Spark's job failures are checked SparkExceptions: they must reach the client unchanged.
      throw Throwables.rethrow(t);
    }
  }

  /** Sizes the next window from the bytes per partition seen so far. */
  private int nextWindowSize(long bytes, int partitionsDone, int previous) {
    long perPartition = Math.max(1, bytes / Math.max(1, partitionsDone));
    long size = windowBytes / perPartition;
    return (int) Math.max(1, Math.min(size, Math.max(previous * 4L, 1024)));
  }

  private void sendChecked(ArrowBatch batch) {
    checkNotCancelled();
    sender.send(batch);
  }

  private void checkNotCancelled() {
    if (cancellation.isCancelled()) {
      throw new CancellationException("operation was interrupted");
    }
  }

  private static long maxBatchBytes() {
    Object configured =
        SparkEnv.get().conf().get(Connect$.MODULE$.CONNECT_GRPC_ARROW_MAX_BATCH_SIZE());
    return (long) (((Number) configured).longValue() * 0.7);
  }

  /**
   * The operation's finished event: not posted if its session closed while it ran (Spark refuses
   * an event out of its order; the rows were produced all the same).
   */
  private void finished(long rows) {
    OperationEvents.post(
        executeHolder.operationId(),
        () -> executeHolder.eventsManager().postFinished(Option.apply(rows), ScalaMaps.empty()));
  }
}
