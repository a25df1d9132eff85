package dev.vxconnect.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline engine of workload (e): a classic local SparkSession with the servers' Spark
 * settings, in a JVM of its own (classic Spark and the Connect client cannot share one), driven
 * line by line over stdin by {@link TpchComparison} so that its runs interleave with the servers'.
 *
 * <p>Commands and answers (one line each): {@code generate <dir> <sf>} answers {@code OK};
 * {@code run <dir> <query>} answers {@code TPCH <ms> <rows> <digest>}; any failure answers
 * {@code ERROR <message>}; end of input stops Spark and exits. {@code READY} is printed once the
 * session is up.
 */
public final class ClassicTpch {

  private ClassicTpch() {}

  public static void main(String[] args) throws IOException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("vxconnect-bench-classic")
            .config("spark.api.mode", "classic")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      answer("READY");
      String line;
      while ((line = in.readLine()) != null) {
        answer(serve(spark, line.trim().split(" ")));
      }
    } finally {
      spark.stop();
    }
  }

  private static String serve(SparkSession spark, String[] command) {
    try {
      if (command.length == 3 && command[0].equals("generate")) {
        Tpch.generate(spark, command[1], Double.parseDouble(command[2]));
        return "OK";
      }
      if (command.length == 3 && command[0].equals("run")) {
        Tpch.Sample sample = Tpch.runOnce(spark, command[1], command[2]);
        return "TPCH " + sample.millis() + " " + sample.rows() + " " + sample.digest();
      }
      return "ERROR unknown command: " + String.join(" ", command);
    } catch (RuntimeException e) {
      return "ERROR " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
  }

  private static void answer(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
