package dev.vxconnect.bench;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline of workload (e): the TPC-H-like programs on a classic local SparkSession, with the
 * servers' Spark settings. Runs in its own JVM on the server's class path (classic Spark and the
 * Connect client cannot share one); {@link Bench} starts it and reads the lines it prints:
 * {@code TPCH <query> <ms,ms,...> <rows> <digest>}.
 *
 * <p>Arguments: data directory, warm-up runs, timed runs.
 */
public final class ClassicTpch {

  private ClassicTpch() {}

  public static void main(String[] args) {
    String dir = args[0];
    int warmups = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("vxconnect-bench-classic")
        .config("spark.api.mode", "classic")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    try {
      List<Tpch.Timing> timings = Tpch.run(spark, dir, warmups, runs);
      for (Tpch.Timing t : timings) {
        System.out.println("TPCH " + t.query() + " "
            + t.millis().stream().map(String::valueOf).collect(Collectors.joining(",")) + " "
            + t.rows() + " " + t.digest());
      }
      System.out.flush();
    } finally {
      spark.stop();
    }
  }
}
