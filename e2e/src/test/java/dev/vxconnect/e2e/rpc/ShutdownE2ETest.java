package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM is a graceful stop: a query already running still gets its result, then the server exits;
 * one still running after {@code vxconnect.server.shutdownGracePeriod} is interrupted, and the server
 * exits all the same.
 */
@Timeout(300)
class ShutdownE2ETest {

  private static final Duration GRACE = Duration.ofSeconds(2);

  @Test
  void runningQueryFinishesAfterSigterm() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (ServerProcess server = ServerProcess.start("shutdown", List.of())) {
      SparkSession client = Sessions.connect(server.url());
      assertThat(client.range(3).count()).isEqualTo(3);
      // Unique: the log file keeps earlier runs' lines.
      String tag = "before-sigterm-" + UUID.randomUUID();
      Future<Row[]> query = sleepingQuery(background, client, tag, 3000);
      awaitAccepted(server, tag);
      server.terminate();
      assertThat(query.get(60, TimeUnit.SECONDS)).hasSize(1);
      // Still served while the server drains: only new executions are refused.
      client.close();
      assertThat(server.awaitExit(Duration.ofSeconds(90)))
          .as("the server exits after SIGTERM")
          .isTrue();
      assertThat(server.logText()).contains("vxconnect stopped");
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void aQueryStillRunningAfterTheGracePeriodIsInterruptedAndTheServerExits() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (ServerProcess server =
        ServerProcess.start(
            "shutdown-grace",
            List.of("vxconnect.server.shutdownGracePeriod=" + GRACE.toMillis() + "ms"))) {
      SparkSession client = Sessions.connect(server.url());
      String tag = "past-grace-" + UUID.randomUUID();
      Future<Row[]> query = sleepingQuery(background, client, tag, 120_000);
      awaitAccepted(server, tag);
      long terminatedAt = System.nanoTime();
      server.terminate();
      ExecutionException failure =
          catchThrowableOfType(ExecutionException.class, () -> query.get(60, TimeUnit.SECONDS));
      Duration took = Duration.ofNanos(System.nanoTime() - terminatedAt);
      assertThat(failure).as("the query, interrupted after the grace period").isNotNull();
      System.out.printf(
          "ShutdownE2ETest: the query past the grace period ended after %d ms with %s%n",
          took.toMillis(), failure.getCause());
      assertThat(took).as("not before the grace period").isGreaterThanOrEqualTo(GRACE);
      assertThat(server.awaitExit(Duration.ofSeconds(90)))
          .as("the server exits after SIGTERM")
          .isTrue();
      assertThat(server.logText())
          .contains("Interrupted 1 operation(s) still running after the grace period")
          .contains("vxconnect stopped");
      // The server is gone: a ReleaseSession would be retried for minutes. The channel only.
      ((org.apache.spark.sql.connect.SparkSession) client).releaseSessionOnClose_$eq(false);
      client.close();
    } finally {
      background.shutdownNow();
    }
  }

  /**
   * A query tagged {@code tag} that sleeps {@code millis} on the server, collected in the
   * background. One ExecutePlan (spark.sql would first send its SqlCommand, which {@link
   * #awaitAccepted} could take for the query itself).
   */
  private static Future<Row[]> sleepingQuery(
      ExecutorService background, SparkSession client, String tag, long millis) {
    return background.submit(
        () -> {
          client.addTag(tag);
          return (Row[])
              client
                  .range(1)
                  .selectExpr(
                      "id", "java_method('java.lang.Thread', 'sleep', " + millis + "L) as slept")
                  .collect();
        });
  }

  /** Waits until the server has accepted an operation carrying {@code tag} (its log says so). */
  private static void awaitAccepted(ServerProcess server, String tag) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!server.logText().contains("accepted (reattachable, tags [" + tag + "])")) {
      assertThat(System.nanoTime()).as("the query reached the server").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
