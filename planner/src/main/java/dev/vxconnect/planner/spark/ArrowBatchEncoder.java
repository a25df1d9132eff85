package dev.vxconnect.planner.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.collection.Iterator$;

/**
 * Turns rows into Arrow IPC batches, one at a time ({@link ArrowBatches}). Runs on the executors
 * (inside {@link PartitionEncoder}, shipped with the job), and on the driver for results that are
 * already local.
 */
final class ArrowBatchEncoder implements Serializable {

  private static final long serialVersionUID = 2L;

  private final StructType schema;
  private final long maxRecordsPerBatch;
  private final long maxBatchBytes;
  private final String timeZoneId;
  private final boolean largeVarTypes;

  ArrowBatchEncoder(
      StructType schema,
      long maxRecordsPerBatch,
      long maxBatchBytes,
      String timeZoneId,
      boolean largeVarTypes) {
    this.schema = schema;
    this.maxRecordsPerBatch = maxRecordsPerBatch;
    this.maxBatchBytes = maxBatchBytes;
    this.timeZoneId = timeZoneId;
    this.largeVarTypes = largeVarTypes;
  }

  /**
   * The rows' batches, each encoded when asked for: only one is built at a time. In a task, the
   * task's end frees their Arrow memory; elsewhere the caller closes them.
   */
  ArrowBatches batches(Iterator<InternalRow> rows) {
    return new ArrowBatches(
        rows, schema, maxRecordsPerBatch, maxBatchBytes, timeZoneId, largeVarTypes);
  }

  /**
   * A batch with the schema and no rows, for results that have none: what Spark's
   * createEmptyArrowBatch makes, a batch of an empty iterator without limits.
   */
  ArrowBatch empty() {
    ArrowBatches none =
        new ArrowBatches(Iterator$.MODULE$.empty(), schema, 0, 0, timeZoneId, largeVarTypes);
    try {
      return none.next();
    } finally {
      if (TaskContext.get() == null) {
        none.close(); // in a task, the task's end closes it
      }
    }
  }
}
