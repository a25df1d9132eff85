package dev.vxconnect.e2e.ha;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A foreachBatch function of the test program that writes each micro-batch to a directory of its
 * own, keyed by the batch id: a batch run again (after a restart from the checkpoint) replaces its
 * own output, so the output holds each batch once.
 */
public final class BatchToDirectory implements VoidFunction2<Dataset<Row>, Long> {

  private static final long serialVersionUID = 1L;
  private final String root;

  public BatchToDirectory(String root) {
    this.root = root;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    batch.write().mode("overwrite").parquet(root + "/batch=" + batchId);
  }
}
