package dev.vxconnect.e2e.streaming;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A foreachBatch function of the test program: appends each micro-batch to a table. */
public final class BatchToTable implements VoidFunction2<Dataset<Row>, Long> {

  private static final long serialVersionUID = 1L;
  private final String table;

  public BatchToTable(String table) {
    this.table = table;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    batch.write().mode("append").saveAsTable(table);
  }
}
