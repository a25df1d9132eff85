package dev.vxconnect.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A client of a server's admin HTTP service (vxconnect.admin.port): pages and Prometheus samples. */
public final class AdminHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  public AdminHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** The body of {@code path} (e.g. "/metrics"), which must answer 200. */
  public String get(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(base + path).isEqualTo(200);
    return response.body();
  }

  /** The JSON body of {@code path}, which must answer 200. */
  public JsonNode json(String path) throws Exception {
    return JSON.readTree(get(path));
  }

  /**
   * The entry of {@code sessionId} in the session listing at {@code path} once one of its
   * operations is in {@code state} (polled for up to 30 s).
   */
  public JsonNode awaitOperation(String path, String sessionId, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode listing = json(path);
    while (System.nanoTime() < deadline) {
      for (JsonNode session : listing.get("sessions")) {
        if (session.get("sessionId").asText().equals(sessionId)) {
          for (JsonNode operation : session.get("operations")) {
            if (operation.get("state").asText().equals(state)) {
              return session;
            }
          }
        }
      }
      Thread.sleep(100);
      listing = json(path);
    }
    throw new AssertionError(
        "no "
            + state
            + " operation of session "
            + sessionId
            + " in "
            + path
            + " within 30 s:\n"
            + listing.toPrettyString());
  }
}
