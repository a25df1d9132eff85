package dev.vxconnect.e2e.state;

import dev.vxconnect.e2e.support.Results;
import dev.vxconnect.e2e.support.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * What a session holds that {@link SharedCatalogE2ETest} checks from a client of its own: its temp
 * view's rows and a conf it set. Its main runs in another JVM, as another program of the same user
 * would, and names the session by id.
 */
final class SessionProbe {

  private static final String MARK = "PROBE ";

  private SessionProbe() {}

  static String describe(SparkSession s) {
    List<String> rows =
        Results.canonical(s.sql("select * from sc_squares order by id").collectAsList());
    return rows + " / shuffle.partitions=" + s.conf().get("spark.sql.shuffle.partitions");
  }

  /** {@link #describe} as seen by a new client in a new JVM, connected to {@code url}. */
  static String inAnotherJvm(String url) {
    try {
      return run(url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String run(String url) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Spark's --add-opens (the client decodes dates with them) and the test run's properties.
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-Dvxconnect.e2e.recordCoverage=false");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SessionProbe.class.getName());
    command.add(url);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("the probe JVM failed:\n" + output);
    }
    return output
        .lines()
        .filter(l -> l.startsWith(MARK))
        .map(l -> l.substring(MARK.length()))
        .reduce((first, last) -> last)
        .orElseThrow(() -> new AssertionError("the probe printed nothing:\n" + output));
  }

  public static void main(String[] args) throws IOException {
    try (SparkSession s = Sessions.connect(args[0])) {
      System.out.println(MARK + describe(s));
    }
  }
}
