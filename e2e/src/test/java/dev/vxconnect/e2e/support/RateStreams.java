package dev.vxconnect.e2e.support;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;

/**
 * Streaming queries over Spark's rate source, the one source that needs no input: the caller
 * picks the sink and starts the query.
 */
public final class RateStreams {

  private RateStreams() {}

  /** The writer of a rate source at Spark's default of one row a second. */
  public static DataStreamWriter<Row> rate(SparkSession spark) {
    return spark.readStream().format("rate").load().writeStream();
  }

  /** The writer of a rate source of {@code rowsPerSecond} rows a second. */
  public static DataStreamWriter<Row> rate(SparkSession spark, int rowsPerSecond) {
    return spark
        .readStream()
        .format("rate")
        .option("rowsPerSecond", String.valueOf(rowsPerSecond))
        .load()
        .writeStream();
  }
}
