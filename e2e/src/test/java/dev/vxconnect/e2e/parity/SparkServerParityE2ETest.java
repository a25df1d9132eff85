package dev.vxconnect.e2e.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Apache Spark's own Connect server as a second oracle: every scenario of {@link ParityScenarios}
 * runs with the official client once on Spark's own server (4.1.2, from the same jars) and once
 * on vxconnect, and what the client received must be the same: the program's answer (rows,
 * values, error condition, SQLSTATE and parameters) and every response message of every call as
 * a {@link Transcript} (schemas as protobuf, analyze and config answers, statuses and ErrorInfo),
 * without what differs between any two runs (ids, metrics, timings). Where vxconnect differs on
 * purpose, {@link Deviations} says how and why; docs/protocol-coverage.md lists them.
 *
 * <p>Tagged client-matrix: the 4.0.1 and 4.2.0 client runs repeat it with their client.
 */
@Tag("client-matrix")
@Timeout(900)
class SparkServerParityE2ETest {

  private static ServerProcess spark;

  @BeforeAll
  static void startServers() throws Exception {
    // Both starts at once: each takes seconds, mostly waiting.
    CompletableFuture<ServerProcess> vxconnect = CompletableFuture.supplyAsync(Sessions::server);
    spark = SparkServerProcess.start("spark-parity", List.of());
    vxconnect.join();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.close();
    }
  }

  /** Both answers of a scenario that differs, under e2e/target/parity/client-VERSION/, to read whole. */
  private static void keep(String scenario, String expected, String actual) throws IOException {
    Path dir = Files.createDirectories(ServerProcess.home().resolve("e2e/target/parity/client-"
        + System.getProperty("vxconnect.e2e.clientVersion", "unknown")));
    String file = scenario.replaceAll("[^A-Za-z0-9]+", "_") + "-" + Integer.toHexString(scenario.hashCode());
    Files.writeString(dir.resolve(file + ".spark.txt"), expected);
    Files.writeString(dir.resolve(file + ".vxconnect.txt"), actual);
  }

  @TestFactory
  Stream<DynamicTest> sameAnswersAsSparkServer() {
    long started = System.nanoTime();
    var scenarios = ParityScenarios.all();
    assertThat(scenarios).hasSizeGreaterThanOrEqualTo(150);
    return Stream.concat(scenarios.entrySet().stream().map(scenario -> DynamicTest.dynamicTest(scenario.getKey(), () -> {
      long t0 = System.nanoTime();
      String expected = Deviations.apply(scenario.getKey(), ParityRun.of(spark.url(), scenario.getValue()));
      long t1 = System.nanoTime();
      String actual = Deviations.apply(scenario.getKey(),
          ParityRun.of(Sessions.server().url(), scenario.getValue()));
      long t2 = System.nanoTime();
      System.out.printf("TIMING %6d %6d %s%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, scenario.getKey());
      if (!actual.equals(expected)) {
        keep(scenario.getKey(), expected, actual);
      }
      assertThat(actual).as("what the client got from vxconnect (Spark's own server's answer expected)")
          .isEqualTo(expected);
    })), Stream.of(DynamicTest.dynamicTest("(duration)", () -> System.out.printf(
        "SparkServerParityE2ETest: %d scenarios with client %s in %d s (after the server starts)%n",
        scenarios.size(), System.getProperty("vxconnect.e2e.clientVersion", "?"),
        (System.nanoTime() - started) / 1_000_000_000L))));
  }
}
