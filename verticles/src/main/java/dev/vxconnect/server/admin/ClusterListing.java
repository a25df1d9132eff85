package dev.vxconnect.server.admin;

import dev.vxconnect.cluster.Membership;
import dev.vxconnect.server.routing.HostPort;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The sessions of every live instance: this one's from memory, each other's asked of its admin
 * service ({@value #INSTANCE_URI}) in parallel, each within a bound (by default
 * {@value #PEER_TIMEOUT_MS} ms). Operations
 * and buffered bytes live only in their instance's memory, so they are asked of it rather than
 * replicated. An instance that cannot answer is listed with the reason and never holds the
 * listing up.
 */
final class ClusterListing {

  static final String INSTANCE_URI = "/admin/sessions?scope=instance";
  static final long PEER_TIMEOUT_MS = 3_000;

  private final Membership membership;
  private final Supplier<JsonObject> local;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final long peerTimeoutMs;

  /**
   * {@code local} builds this instance's own listing, as {@link InstanceListing} does; {@code
   * authorization}, when present, is sent to the other instances as their admin token.
   */
  ClusterListing(
      Membership membership,
      Supplier<JsonObject> local,
      HttpClient http,
      Optional<String> authorization) {
    this(membership, local, http, authorization, PEER_TIMEOUT_MS);
  }

  ClusterListing(
      Membership membership,
      Supplier<JsonObject> local,
      HttpClient http,
      Optional<String> authorization,
      long peerTimeoutMs) {
    this.membership = membership;
    this.local = local;
    this.http = http;
    this.authorization = authorization;
    this.peerTimeoutMs = peerTimeoutMs;
  }

  /**
   * {@code {"instance": asked, "instances": [{"instance", "sessions": count} or {"instance",
   * "error"}], "sessions": [every instance's sessions, newest first]}}; never fails.
   */
  Future<JsonObject> build() {
    List<Future<JsonObject>> answers = new ArrayList<>();
    answers.add(Future.succeededFuture(local.get()));
    for (String instance : membership.instances()) {
      if (!instance.equals(membership.self())) {
        answers.add(ask(instance));
      }
    }
    return Future.all(answers)
        .map(
            done -> {
              JsonArray instances = new JsonArray();
              List<JsonObject> sessions = new ArrayList<>();
              for (Future<JsonObject> answer : answers) {
                JsonObject listing = answer.result();
                if (listing.containsKey("error")) {
                  instances.add(listing);
                  continue;
                }
                JsonArray own = listing.getJsonArray("sessions");
                instances.add(
                    new JsonObject()
                        .put("instance", listing.getString("instance"))
                        .put("sessions", own.size()));
                own.forEach(session -> sessions.add((JsonObject) session));
              }
              sessions.sort(Comparator.comparingLong(s -> s.getLong("ageMs")));
              return new JsonObject()
                  .put("instance", membership.self())
                  .put("instances", instances)
                  .put("sessions", new JsonArray(new ArrayList<>(sessions)));
            });
  }

  /** Another instance's own listing, or {@code {"instance", "error"}} saying why there is none. */
  private Future<JsonObject> ask(String instance) {
    Optional<String> address = membership.adminAddress(instance);
    if (address.isEmpty()) {
      return Future.succeededFuture(
          unanswered(instance, "no admin address known (its vxconnect.admin.port is unset or 0)"));
    }
    HostPort peer = HostPort.parse("the admin address of instance " + instance, address.get());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(peer.host())
            .setPort(peer.port())
            .setURI(INSTANCE_URI)
            .setConnectTimeout(peerTimeoutMs)
            .setTimeout(peerTimeoutMs);
    authorization.ifPresent(value -> options.putHeader("authorization", value));
    return http.request(options)
        .compose(request -> request.send())
        .compose(ClusterListing::bodyIfOk)
        .map(
            body -> {
              JsonObject listing = new JsonObject(body);
              if (!instance.equals(listing.getString("instance"))) {
                throw new IllegalStateException(
                    "answered as instance " + listing.getString("instance"));
              }
              return listing;
            })
        .recover(
            failure ->
                Future.succeededFuture(
                    unanswered(instance, address.get() + ": " + failure.getMessage())));
  }

  private static Future<String> bodyIfOk(HttpClientResponse response) {
    return response
        .body()
        .compose(
            body ->
                response.statusCode() == 200
                    ? Future.succeededFuture(body.toString())
                    : Future.failedFuture("HTTP " + response.statusCode()));
  }

  private static JsonObject unanswered(String instance, String reason) {
    return new JsonObject().put("instance", instance).put("error", reason);
  }
}
