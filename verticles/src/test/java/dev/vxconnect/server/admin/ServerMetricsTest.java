package dev.vxconnect.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  @Test
  void callsAreCountedByMethodAndStatusWithBoundedLabels() {
    ServerMetrics metrics = new ServerMetrics();
    metrics.callEnded("/spark.connect.SparkConnectService/ExecutePlan", 0, 1_000_000);
    metrics.callEnded("/spark.connect.SparkConnectService/ExecutePlan", 0, 2_000_000);
    metrics.callEnded("/spark.connect.SparkConnectService/ReattachExecute", 14, 1_000);
    metrics.callEnded("/spark.connect.SparkConnectService/NoSuchMethod", 12, 1_000);
    metrics.callEnded("/some/other/path", -1, 1_000);
    metrics.callEnded("/grpc.health.v1.Health/Check", 0, 1_000);

    String scraped = metrics.scrape();
    assertThat(scraped)
        .contains("vxconnect_rpc_seconds_count{method=\"ExecutePlan\",status=\"OK\"} 2")
        .contains(
            "vxconnect_rpc_seconds_count{method=\"ReattachExecute\",status=\"UNAVAILABLE\"} 1")
        .contains("vxconnect_rpc_seconds_count{method=\"unknown\",status=\"UNIMPLEMENTED\"} 1")
        .contains("vxconnect_rpc_seconds_count{method=\"unknown\",status=\"NONE\"} 1")
        .contains("vxconnect_rpc_seconds_count{method=\"health.Check\",status=\"OK\"} 1")
        .contains("vxconnect_reattaches_total 1")
        // 1 ms and 2 ms: both under 5 ms; latency objectives are read from these buckets.
        .contains(
            "vxconnect_rpc_seconds_bucket{method=\"ExecutePlan\",status=\"OK\",le=\"0.005\"} 2")
        .contains(
            "vxconnect_rpc_seconds_bucket{method=\"ExecutePlan\",status=\"OK\",le=\"0.05\"} 2")
        .doesNotContain("NoSuchMethod")
        .doesNotContain("/some/other/path");
  }

  @Test
  void theAdminPageEscapesWhatClientsChose() {
    JsonObject listing =
        new JsonObject()
            .put("instance", "host:1")
            .put(
                "instances",
                new JsonArray()
                    .add(new JsonObject().put("instance", "host:1").put("sessions", 1))
                    .add(new JsonObject().put("instance", "host:2").put("error", "<b>refused</b>")))
            .put(
                "sessions",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("sessionId", "s-1")
                            .put("userId", "<script>alert(1)</script>")
                            .put("instance", "host:1")
                            .put("ageMs", 5000L)
                            .put("idleMs", 1000L)
                            .put(
                                "operations",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("operationId", "op-1")
                                            .put("state", "RUNNING")
                                            .put("ageMs", 2000L)
                                            .put("bufferedBytes", 42L)
                                            .put("attached", true)))));

    String html = AdminPage.render(listing);

    assertThat(html)
        .contains("<span id=\"session-count\">1</span>")
        .contains("<code>s-1</code>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>")
        .contains("<td>RUNNING</td>")
        .contains("<td>42</td>")
        .contains("<code>host:1</code>: 1 session(s)")
        .contains("not answering: &lt;b&gt;refused&lt;/b&gt;");
  }
}
