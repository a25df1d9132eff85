package dev.vxconnect.e2e.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.FreePort;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerProcess;
import dev.vxconnect.e2e.support.Sessions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.health.v1.HealthCheckRequest;
import org.sparkproject.io.grpc.health.v1.HealthCheckResponse;
import org.sparkproject.io.grpc.health.v1.HealthGrpc;

/**
 * The admin port of a running server (vxconnect.admin.port): while a client's query runs, the
 * gRPC health service answers SERVING, /admin/sessions and the /admin page list the client's
 * session with its running operation, and /metrics (Prometheus text) counts the session, the
 * running operation, the RPCs by method and status, and carries Vert.x's and the JVM's metrics.
 */
@Timeout(180)
class AdminE2ETest {

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 20000L) as slept from range(1)";

  @Test
  void metricsAndTheAdminPagesShowARunningSession() throws Exception {
    int adminPort = FreePort.find();
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (ServerProcess server = ServerProcess.start("admin", List.of("vxconnect.admin.port=" + adminPort));
        SparkSession spark = Sessions.connect(server.url());
        RawGrpc raw = new RawGrpc(server.port())) {
      AdminHttp admin = new AdminHttp(adminPort);
      assertThat((Row[]) spark.sql("select 1 as one").collect()).hasSize(1);
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();

      HealthCheckResponse health = HealthGrpc.newBlockingStub(raw.channel())
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

      Future<?> slow = background.submit(() -> spark.sql(SLOW).collect());
      String sessions = awaitBody(admin, "/admin/sessions", "\"RUNNING\"");
      assertThat(sessions).contains("\"sessionId\" : \"" + sessionId + "\"");

      String page = admin.get("/admin");
      assertThat(page).contains("<code>" + sessionId + "</code>").contains("RUNNING");

      String metrics = admin.get("/metrics");
      assertThat(gauge(metrics, "vxconnect_sessions")).isGreaterThanOrEqualTo(1);
      assertThat(gauge(metrics, "vxconnect_operations{state=\"running\"}")).isEqualTo(1);
      assertThat(gauge(metrics, "vxconnect_rpc_seconds_count{method=\"ExecutePlan\",status=\"OK\"}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(gauge(metrics, "vxconnect_rpc_seconds_count{method=\"health.Check\",status=\"OK\"}"))
          .isEqualTo(1);
      assertThat(metrics).contains("vxconnect_results_buffered_bytes")
          .contains("vxconnect_admission_refusals_total{reason=\"session_operations\"}")
          .contains("vxconnect_reattaches_total")
          .contains("vxconnect_sessions_takeovers_total")
          .contains("vxconnect_forwarded_calls_total")
          .contains("vertx_http_server_active_connections")
          .contains("jvm_memory_used_bytes");
      assertThat(admin.get("/health")).isEqualTo("ok\n");

      spark.interruptAll();
      try {
        slow.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException interrupted) {
        // expected: the query was interrupted
      }
    } finally {
      background.shutdownNow();
    }
  }

  /** The body of {@code url} once it contains {@code text} (polled for up to 30 s). */
  private static String awaitBody(AdminHttp admin, String url, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String body = admin.get(url);
    while (!body.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      body = admin.get(url);
    }
    assertThat(body).as(url).contains(text);
    return body;
  }

  /** The value of one sample in a Prometheus text exposition, which must be there. */
  private static double gauge(String metrics, String sample) {
    java.util.OptionalDouble value = AdminHttp.sample(metrics, sample);
    assertThat(value).as("sample %s in:%n%s", sample, metrics).isPresent();
    return value.getAsDouble();
  }
}
