package dev.vxconnect.e2e.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.HeadlessChromium;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PrometheusText;
import dev.vxconnect.testkit.ServerProcess;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.health.v1.HealthCheckRequest;
import org.sparkproject.io.grpc.health.v1.HealthCheckResponse;
import org.sparkproject.io.grpc.health.v1.HealthGrpc;

/**
 * The admin port of a running server (vxconnect.admin.port): while a client's query runs, the
 * gRPC health service answers SERVING, /admin/sessions and the /admin page list the client's
 * session with its running operation (the page also as headless Chromium renders it), and
 * /metrics (Prometheus text) counts the session, the running operation, the RPCs by method and
 * status, and carries Vert.x's and the JVM's metrics. The server logs as JSON
 * (VXCONNECT_LOG_FORMAT=json): events about a session or an operation carry their ids as fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class AdminE2ETest {

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 20000L) as slept from range(1)";

  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private final int adminPort = FreePort.find();
  private ServerProcess server;
  private AdminHttp admin;

  @BeforeAll
  void startServer() throws Exception {
    server =
        ServerProcess.start(
            "admin-json-log",
            List.of("vxconnect.admin.port=" + adminPort),
            Map.of("VXCONNECT_LOG_FORMAT", "json"));
    admin = new AdminHttp(adminPort);
  }

  @AfterAll
  void stopServer() {
    background.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void metricsAndTheAdminPagesShowARunningSession() throws Exception {
    try (SparkSession spark = Sessions.connect(server.url());
        RawGrpc raw = new RawGrpc(server.port())) {
      assertThat((Row[]) spark.sql("select 1 as one").collect()).hasSize(1);
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();

      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(raw.channel())
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

      Dataset<Row> query =
          spark.sql(SLOW); // its SqlCommand done here: the only operation running is the query
      Future<?> slow = background.submit(() -> query.collect());
      String sessions = awaitBody(admin, "/admin/sessions", "\"RUNNING\"");
      assertThat(sessions).contains("\"sessionId\" : \"" + sessionId + "\"");

      String page = admin.get("/admin");
      assertThat(page).contains("<code>" + sessionId + "</code>").contains("RUNNING");

      String metrics = admin.get("/metrics");
      assertThat(gauge(metrics, "vxconnect_sessions")).isGreaterThanOrEqualTo(1);
      assertThat(gauge(metrics, "vxconnect_operations{state=\"running\"}")).isEqualTo(1);
      assertThat(
              gauge(metrics, "vxconnect_rpc_seconds_count{method=\"ExecutePlan\",status=\"OK\"}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(
              gauge(metrics, "vxconnect_rpc_seconds_count{method=\"health.Check\",status=\"OK\"}"))
          .isEqualTo(1);
      // A lone instance: no other's loss could take a record from it.
      assertThat(gauge(metrics, "vxconnect_cluster_safe")).isEqualTo(1);
      assertThat(metrics)
          .contains("vxconnect_results_buffered_bytes")
          .contains("vxconnect_admission_refusals_total{reason=\"session_operations\"}")
          .contains("vxconnect_reattaches_total")
          .contains("vxconnect_sessions_takeovers_total")
          .contains("vxconnect_forwarded_calls_total")
          .contains("vertx_http_server_active_connections")
          .contains("jvm_memory_used_bytes");
      assertThat(admin.get("/health")).isEqualTo("ok\n");

      interruptAndWait(spark, slow);
    }
  }

  @Test
  void theAdminPageRendersInHeadlessChromiumWithTheRunningSession() throws Exception {
    assertThat(HeadlessChromium.binary())
        .as(
            "Debian's chromium, a test prerequisite (apt-get install chromium;"
                + " .ci/run installs it): the page cannot be rendered without it")
        .isPresent();
    try (SparkSession spark = Sessions.connect(server.url())) {
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();
      Dataset<Row> query = spark.sql(SLOW);
      Future<?> slow = background.submit(() -> query.collect());
      JsonNode listed = admin.awaitOperation("/admin/sessions", sessionId, "RUNNING");
      String operationId = null;
      for (JsonNode operation : listed.get("operations")) {
        if (operation.get("state").asText().equals("RUNNING")) {
          operationId = operation.get("operationId").asText();
        }
      }

      String dom = HeadlessChromium.dumpDom("http://127.0.0.1:" + adminPort + "/admin");

      assertThat(dom)
          .contains("<title>vxconnect " + listed.get("instance").asText() + "</title>")
          .containsPattern(
              "<tr class=\"session\"><td><code>"
                  + sessionId
                  + "</code></td><td>[^<]+</td><td>"
                  + Pattern.quote(listed.get("instance").asText())
                  + "</td>")
          .contains(
              "<tr class=\"operation\"><td><code>" + operationId + "</code></td><td>RUNNING</td>")
          .contains("<code>" + listed.get("instance").asText() + "</code>: ");
      interruptAndWait(spark, slow);
    }
  }

  @Test
  void logEventsAreJsonWithTheIdsOfTheirSessionAndOperation() throws Exception {
    try (SparkSession spark = Sessions.connect(server.url())) {
      assertThat((Row[]) spark.sql("select 2 as two").collect()).hasSize(1);
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();

      JsonNode ran = awaitEvent(" of session " + sessionId + " ran in ");
      String operationId = ran.get("message").asText().split(" ")[1];
      assertThat(ran.get("operation").asText()).isEqualTo(operationId);
      assertThat(ran.get("session").asText()).isEqualTo(sessionId);
      assertThat(ran.get("log.level").asText()).isEqualTo("INFO");
      assertThat(ran.has("@timestamp")).isTrue();
      JsonNode opened = awaitEvent("Session " + sessionId + " of user ");
      assertThat(opened.get("session").asText()).isEqualTo(sessionId);
      assertThat(opened.get("message").asText())
          .endsWith(" of user " + opened.get("user").asText() + " opened");
      assertThat(opened.has("operation")).as("a session's event names no operation").isFalse();
    }
  }

  /** The first JSON log event of the server whose message contains {@code text} (waits up to 30 s). */
  private JsonNode awaitEvent(String text) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : server.logText().split("\n")) {
        if (line.startsWith("{") && line.contains(text)) {
          JsonNode event = json.readTree(line);
          if (event.get("message").asText().contains(text)) {
            return event;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no JSON log event with '" + text + "' within 30 s");
  }

  private static void interruptAndWait(SparkSession spark, Future<?> slow) throws Exception {
    spark.interruptAll();
    try {
      slow.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException interrupted) {
      // expected: the query was interrupted
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
    OptionalDouble value = PrometheusText.sample(metrics, sample);
    assertThat(value).as("sample %s in:%n%s", sample, metrics).isPresent();
    return value.getAsDouble();
  }
}
