package dev.vxconnect.planner.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowConverters;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;

/**
 * Turns rows into Arrow IPC batches, one at a time. Runs on the executors (inside {@link
 * PartitionEncoder}, shipped with the job), and on the driver for results that are already local.
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

  /** The rows' batches, each encoded when asked for: only one is built at a time. */
  java.util.Iterator<ArrowBatch> batches(Iterator<InternalRow> rows) {
    ArrowConverters.ArrowBatchWithSchemaIterator batches =
        ArrowConverters$.MODULE$.toBatchWithSchemaIterator(
            rows, schema, maxRecordsPerBatch, maxBatchBytes, timeZoneId, false, largeVarTypes);
    return new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public ArrowBatch next() {
        byte[] data = batches.next();
        return new ArrowBatch(data, batches.rowCountInLastBatch());
      }
    };
  }

  /** A batch with the schema and no rows, for results that have none. */
  ArrowBatch empty() {
    return new ArrowBatch(
        ArrowConverters$.MODULE$.createEmptyArrowBatch(schema, timeZoneId, false, largeVarTypes),
        0);
  }
}
