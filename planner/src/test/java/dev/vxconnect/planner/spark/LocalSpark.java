package dev.vxconnect.planner.spark;

import org.apache.spark.sql.classic.SparkSession;

/** The local Spark the planner's tests run on: one core, no UI, a warehouse of the test's own. */
final class LocalSpark {

  private LocalSpark() {}

  /** A builder of it, for settings of the test's own; {@code warehouse} names its directory. */
  static SparkSession.Builder builder(String warehouse) {
    return SparkSession.builder()
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", "target/" + warehouse + "-warehouse");
  }

  /** It, with no other settings. */
  static SparkSession start(String warehouse) {
    return builder(warehouse).getOrCreate();
  }
}
