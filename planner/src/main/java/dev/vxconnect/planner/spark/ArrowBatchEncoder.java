package dev.vxconnect.planner.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowConverters;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * Turns one partition's rows into Arrow IPC batches. Runs on the executors (it is shipped with the
 * job), and on the driver for results that are already local.
 */
final class ArrowBatchEncoder extends AbstractFunction1<Iterator<InternalRow>, ArrowBatch[]>
    implements Serializable {

  private static final long serialVersionUID = 1L;

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

  @Override
  public ArrowBatch[] apply(Iterator<InternalRow> rows) {
    ArrowConverters.ArrowBatchWithSchemaIterator batches =
        ArrowConverters$.MODULE$.toBatchWithSchemaIterator(
            rows, schema, maxRecordsPerBatch, maxBatchBytes, timeZoneId, false, largeVarTypes);
    List<ArrowBatch> out = new ArrayList<>();
    while (batches.hasNext()) {
      byte[] data = batches.next();
      out.add(new ArrowBatch(data, batches.rowCountInLastBatch()));
    }
    return out.toArray(new ArrowBatch[0]);
  }

  /** A batch with the schema and no rows, for results that have none. */
  ArrowBatch empty() {
    return new ArrowBatch(
        ArrowConverters$.MODULE$.createEmptyArrowBatch(schema, timeZoneId, false, largeVarTypes),
        0);
  }
}
