package dev.vxconnect.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.Membership;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster listing over real HTTP on loopback: the peers' own listings, asked with the admin
 * token, are merged with this instance's, and each peer that cannot answer (no address, nothing listening, answering as
 * another instance) is listed with its reason while the others still are.
 */
class ClusterListingTest {

  /** The admin token the instances share, as this instance sends it to the others. */
  private static final String AUTHORIZATION = "Bearer peer-token";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyInstanceIsListedWithItsSessionsOrWhyItDidNotAnswer() throws Exception {
    int peerPort = serve(listing("b:1", session("s-b", "b:1", 500)));
    int impostorPort = serve(listing("someone-else", session("s-x", "someone-else", 1)));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, Optional<String>> admin =
        Map.of(
            "b:1", Optional.of("127.0.0.1:" + peerPort),
            "c:1", Optional.empty(),
            "d:1", Optional.of("127.0.0.1:" + closedPort),
            "e:1", Optional.of("127.0.0.1:" + impostorPort));
    Membership membership =
        new Membership() {
          @Override
          public String self() {
            return "a:1";
          }

          @Override
          public Optional<String> address(String instanceId) {
            return Optional.of(instanceId);
          }

          @Override
          public List<String> instances() {
            return List.of("a:1", "b:1", "c:1", "d:1", "e:1");
          }

          @Override
          public Optional<String> adminAddress(String instanceId) {
            return admin.get(instanceId);
          }
        };
    HttpClient http = vertx.createHttpClient();
    JsonObject own = listing("a:1", session("s-a", "a:1", 2000));

    // A bound far above the default: on a loaded machine a first request may take seconds, and this
    // test is about what is listed, not how fast.
    JsonObject cluster =
        new ClusterListing(membership, () -> own, http, Optional.of(AUTHORIZATION), 20_000)
            .build()
            .await(60, TimeUnit.SECONDS);

    assertThat(cluster.getString("instance")).isEqualTo("a:1");
    assertThat(
            cluster.getJsonArray("sessions").stream()
                .map(s -> ((JsonObject) s).getString("sessionId")))
        .as("newest first, the impostor's left out")
        .containsExactly("s-b", "s-a");
    JsonArray instances = cluster.getJsonArray("instances");
    assertThat(instances).hasSize(5);
    assertThat(instances.getJsonObject(0))
        .isEqualTo(new JsonObject().put("instance", "a:1").put("sessions", 1));
    assertThat(instances.getJsonObject(1))
        .isEqualTo(new JsonObject().put("instance", "b:1").put("sessions", 1));
    assertThat(instances.getJsonObject(2).getString("error")).contains("no admin address known");
    assertThat(instances.getJsonObject(3).getString("error"))
        .startsWith("127.0.0.1:" + closedPort + ": ");
    assertThat(instances.getJsonObject(4).getString("error"))
        .contains("answered as instance someone-else");

    String page = AdminPage.render(cluster);
    assertThat(page)
        .contains("<code>s-a</code>")
        .contains("<code>s-b</code>")
        .contains("<li class=\"instance\"><code>b:1</code>: 1 session(s)</li>")
        .contains("<li class=\"instance\"><code>c:1</code>: <span class=\"error\">not answering: ");
  }

  /**
   * An HTTP server answering {@value ClusterListing#INSTANCE_URI} with {@code listing} to requests
   * with the admin token (401 without it, as a peer with vxconnect.admin.token does); its port.
   */
  private int serve(JsonObject listing) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  boolean asked = request.uri().equals(ClusterListing.INSTANCE_URI);
                  boolean allowed = AUTHORIZATION.equals(request.getHeader("authorization"));
                  request
                      .response()
                      .setStatusCode(!allowed ? 401 : asked ? 200 : 404)
                      .end(allowed && asked ? listing.encode() : "");
                });
    return server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS).actualPort();
  }

  private static JsonObject listing(String instance, JsonObject... sessions) {
    return new JsonObject()
        .put("instance", instance)
        .put("sessions", new JsonArray(List.of((Object[]) sessions)));
  }

  private static JsonObject session(String id, String instance, long ageMs) {
    return new JsonObject()
        .put("sessionId", id)
        .put("userId", "u")
        .put("instance", instance)
        .put("ageMs", ageMs)
        .put("idleMs", 0L)
        .put("operations", new JsonArray());
  }
}
