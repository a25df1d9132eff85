package dev.vxconnect.server.admin;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.server.auth.Pem;
import dev.vxconnect.server.config.AdminOptions;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The admin HTTP port ({@code vxconnect.admin.*}): {@code /metrics} (Prometheus text),
 * {@code /admin/sessions} (every instance's sessions and their operations, as JSON; with
 * {@code ?scope=instance} this instance's only), {@code /admin/records} (what the cluster keeps:
 * session records, kept artifacts, closed ids and sessions per user, {@link RecordsListing}),
 * {@code /admin} (the cluster's as a small HTML page)
 * and {@code /health}. HTTP/1.1 on the instance's Vert.x, over TLS when a certificate is
 * configured; with a token, every path but {@code /health} needs it ({@link AdminAccess}). The
 * scrape runs on a worker, the listings are built on the event loop from in-memory state and the
 * other instances' answers (asked with the same token and TLS: the instances share one admin
 * configuration).
 */
public final class AdminServer {

  /** Connections kept to each other instance's admin service (listings are rare and small). */
  private static final int PEER_CONNECTIONS = 2;

  private final Vertx vertx;
  private final AdminOptions options;
  private final AdminAccess access;
  private final ServerMetrics metrics;
  private final InstanceListing instance;
  private final ClusterListing cluster;
  private final RecordsListing records;
  private final HttpClient peers;
  private HttpServer http;

  public AdminServer(
      Vertx vertx,
      AdminOptions options,
      ServerMetrics metrics,
      SessionManager sessions,
      Cluster shared) {
    this.vertx = vertx;
    this.options = options;
    this.access = new AdminAccess(options.token());
    this.metrics = metrics;
    this.instance = new InstanceListing(sessions);
    this.peers =
        vertx.createHttpClient(
            peerOptions(options), new PoolOptions().setHttp1MaxSize(PEER_CONNECTIONS));
    this.cluster =
        new ClusterListing(shared.membership(), instance::build, peers, access.authorization());
    this.records = new RecordsListing(shared);
  }

  /**
   * Listens on the configured address and port (0 = any free port); completes with the port
   * bound.
   */
  public Future<Integer> listen() {
    HttpServerOptions server =
        new HttpServerOptions().setHost(options.address()).setPort(options.port());
    if (options.tls()) {
      server
          .setSsl(true)
          .setKeyCertOptions(
              Pem.keyCert(options.certFile().orElseThrow(), options.keyFile().orElseThrow()));
    }
    http = vertx.createHttpServer(server);
    return http.requestHandler(this::handle).listen().map(HttpServer::actualPort);
  }

  /** Peers speak what this instance speaks: HTTPS, trusting the configured certificates. */
  private static HttpClientOptions peerOptions(AdminOptions options) {
    HttpClientOptions client = new HttpClientOptions().setKeepAlive(true);
    if (options.tls()) {
      client.setSsl(true).setTrustOptions(Pem.trust(options.trustFile().orElseThrow()));
    }
    return client;
  }

  public Future<Void> close() {
    Future<Void> closed = http == null ? Future.succeededFuture() : http.close();
    return closed.eventually(peers::close);
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      request.response().setStatusCode(405).putHeader("allow", "GET").end();
      return;
    }
    // Open with a token too: it tells only that the instance is up, and probes (a Kubernetes
    // httpGet, a load balancer's check) rarely can carry a secret.
    if (request.path().equals("/health")) {
      request.response().putHeader("content-type", "text/plain").end("ok\n");
      return;
    }
    if (!access.allows(request.getHeader("authorization"))) {
      access.refuse(request);
      return;
    }
    switch (request.path()) {
      case "/metrics" ->
          vertx
              .executeBlocking(metrics::scrape, false)
              .onComplete(
                  scraped -> {
                    if (scraped.succeeded()) {
                      request
                          .response()
                          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                          .end(scraped.result());
                    } else {
                      request.response().setStatusCode(500).end(String.valueOf(scraped.cause()));
                    }
                  });
      case "/admin/sessions" ->
          reply(
              request,
              "application/json",
              JsonObject::encodePrettily,
              "instance".equals(request.getParam("scope"))
                  ? Future.succeededFuture(instance.build())
                  : cluster.build());
      case "/admin/records" ->
          reply(request, "application/json", JsonObject::encodePrettily, records.build());
      case "/admin", "/admin/", "/" ->
          reply(request, "text/html; charset=utf-8", AdminPage::render, cluster.build());
      default ->
          request
              .response()
              .setStatusCode(404)
              .end("Not found. Try /admin, /admin/sessions, /admin/records or /metrics.\n");
    }
  }

  private static void reply(
      HttpServerRequest request,
      String contentType,
      Function<JsonObject, String> render,
      Future<JsonObject> listing) {
    listing
        .map(render)
        .onComplete(
            body -> {
              if (body.succeeded()) {
                request.response().putHeader("content-type", contentType).end(body.result());
              } else {
                request.response().setStatusCode(500).end(String.valueOf(body.cause()));
              }
            });
  }
}
