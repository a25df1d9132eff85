package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.Cancellation;
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
 * {@code windowBytes} of Arrow data. A slow consumer blocks {@link ArrowBatchSender#send}, so no new
 * window is started and the query slows down with its client. The windows' bytes on the driver are
 * reported to the sink ({@link FetchedBytes}) until they are sent.
 */
final class ArrowResultStreamer {

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
      executeHolder
          .eventsManager()
          .postFinished(Option.apply(local.rows().length()), ScalaMaps.empty());
      for (ArrowBatch batch : encoder.apply(local.rows().iterator())) {
        sendChecked(batch);
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
      executeHolder.eventsManager().postFinished(Option.apply(0L), ScalaMaps.empty());
      return;
    }
    checkNotCancelled();
    int windowSize = Math.max(1, sc.defaultParallelism());
    PartitionWindow current =
        PartitionWindow.submit(sc, rows, encoder, 0, Math.min(partitions, windowSize), fetched);
    long rowsProduced = 0;
    try {
      while (current != null) {
        ArrowBatch[][] results = awaitWindow(current);
        long bytes = 0;
        for (ArrowBatch[] partition : results) {
          for (ArrowBatch batch : partition) {
            bytes += batch.data().length;
            rowsProduced += batch.rowCount();
          }
        }
        PartitionWindow next = null;
        if (current.end() < partitions) {
          checkNotCancelled();
          windowSize = nextWindowSize(bytes, current.size(), windowSize);
          next =
              PartitionWindow.submit(
                  sc,
                  rows,
                  encoder,
                  current.end(),
                  Math.min(partitions, current.end() + windowSize),
                  fetched);
        } else {
          executeHolder.eventsManager().postFinished(Option.apply(rowsProduced), ScalaMaps.empty());
        }
        current = next;
        for (ArrowBatch[] partition : results) {
          for (ArrowBatch batch : partition) {
            sendChecked(batch);
            fetched.sent(batch);
          }
        }
      }
    } catch (RuntimeException | Error e) {
      if (current != null) {
        current.cancel();
      }
      throw e;
    }
  }

  private ArrowBatch[][] awaitWindow(PartitionWindow window) {
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
}
