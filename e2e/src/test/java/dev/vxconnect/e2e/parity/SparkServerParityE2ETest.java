package dev.vxconnect.e2e.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.Sneaky;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * purpose, {@link Deviations} says how and why (and the test checks both answers are as it says);
 * docs/protocol-coverage.md lists them. A scenario that differs leaves both answers under
 * parity/ in the target directory.
 *
 * <p>Tagged client-matrix: the 4.0.1 and 4.2.0 client runs repeat it with their client.
 */
@Tag("client-matrix")
@Timeout(900)
class SparkServerParityE2ETest {

  /** The client version of this run (e2e/pom.xml sets it for each execution). */
  private static final String CLIENT = System.getProperty("vxconnect.e2e.clientVersion", "unknown");

  private static ServerProcess spark;
  private static ParityRun.SharedSession sparkShared;
  private static ParityRun.SharedSession vxconnectShared;
  private static long setUp;
  private static long sparkCpuAtStart;
  private static long vxconnectCpuAtStart;
  private static long started;

  @BeforeAll
  static void startServers() throws Exception {
    setUp = System.nanoTime();
    // Both starts at once: each takes seconds, mostly waiting.
    CompletableFuture<ServerProcess> vxconnect = CompletableFuture.supplyAsync(Sessions::server);
    spark = SparkServerProcess.start("spark-parity", List.of());
    vxconnect.join();
    sparkCpuAtStart = cpuSeconds(ProcessHandle.of(spark.pid()).orElse(null));
    vxconnectCpuAtStart = cpuSeconds(ProcessHandle.of(Sessions.server().pid()).orElse(null));
    sparkShared = new ParityRun.SharedSession(spark.url());
    vxconnectShared = new ParityRun.SharedSession(Sessions.server().url());
  }

  @AfterAll
  static void stopSpark() {
    System.out.printf(
        "SparkServerParityE2ETest: %d scenarios with client %s: %d s for the servers' start,"
            + " %d s for the scenarios; CPU: Spark's server %d s (%d s once started), vxconnect %d s during the"
            + " scenarios, this JVM %d s%n",
        ParityScenarios.all().size(),
        CLIENT,
        (started - setUp) / 1_000_000_000L,
        (System.nanoTime() - started) / 1_000_000_000L,
        cpuSeconds(spark == null ? null : ProcessHandle.of(spark.pid()).orElse(null)),
        sparkCpuAtStart,
        cpuSeconds(ProcessHandle.of(Sessions.server().pid()).orElse(null)) - vxconnectCpuAtStart,
        cpuSeconds(ProcessHandle.current()));
    for (ParityRun.SharedSession shared :
        new ParityRun.SharedSession[] {sparkShared, vxconnectShared}) {
      if (shared != null) {
        shared.close();
      }
    }
    if (spark != null) {
      spark.close();
    }
  }

  private static long cpuSeconds(ProcessHandle process) {
    return process == null
        ? -1
        : process.info().totalCpuDuration().map(Duration::toSeconds).orElse(-1L);
  }

  /** Both answers of a scenario that differs, under parity/client-VERSION/ (target directory), to read whole. */
  private static void keep(String scenario, String expected, String actual) throws IOException {
    Path dir =
        Files.createDirectories(ServerProcess.targetDirectory().resolve("parity/client-" + CLIENT));
    String file =
        scenario.replaceAll("[^A-Za-z0-9]+", "_") + "-" + Integer.toHexString(scenario.hashCode());
    Files.writeString(dir.resolve(file + ".spark.txt"), expected);
    Files.writeString(dir.resolve(file + ".vxconnect.txt"), actual);
  }

  @TestFactory
  Stream<DynamicTest> sameAnswersAsSparkServer() {
    var scenarios = ParityScenarios.all();
    assertThat(scenarios).hasSizeGreaterThanOrEqualTo(150);
    started = System.nanoTime();
    return scenarios.entrySet().stream()
        .map(
            scenario ->
                DynamicTest.dynamicTest(
                    scenario.getKey(),
                    () -> {
                      // The two runs at once: each server has its own process, and the client's
                      // sessions are apart.
                      boolean fresh = ParityScenarios.needsNewSessions(scenario.getKey());
                      CompletableFuture<String> onSpark =
                          CompletableFuture.supplyAsync(
                              () ->
                                  Sneaky.call(
                                      () ->
                                          ParityRun.of(
                                              spark.url(),
                                              fresh ? null : sparkShared,
                                              scenario.getValue())));
                      String actual =
                          ParityRun.of(
                              Sessions.server().url(),
                              fresh ? null : vxconnectShared,
                              scenario.getValue());
                      String expected = onSpark.join();
                      if (!actual.equals(expected)) {
                        keep(scenario.getKey(), expected, actual);
                      }
                      Optional<Deviations.Deviation> deviation =
                          Deviations.of(scenario.getKey(), CLIENT);
                      if (deviation.isPresent()) {
                        assertThat(expected)
                            .as("Spark's own server's answer, as Deviations says")
                            .contains(deviation.get().sparkAnswers());
                        assertThat(actual)
                            .as("vxconnect's answer, as Deviations says")
                            .contains(deviation.get().vxconnectAnswers());
                      } else {
                        assertThat(actual)
                            .as(
                                "what the client got from vxconnect (Spark's own server's answer expected)")
                            .isEqualTo(expected);
                      }
                    }));
  }
}
