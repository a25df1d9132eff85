package dev.vxconnect.server.admin;

import dev.vxconnect.server.execution.Operation;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * The admin HTTP port ({@code vxconnect.admin.port}): {@code /metrics} (Prometheus text),
 * {@code /admin/sessions} (this instance's sessions and their operations, as JSON), {@code /admin}
 * (the same as a small HTML page) and {@code /health}. Plain HTTP/1.1 on the instance's Vert.x; the
 * scrape runs on a worker, the listings are built on the event loop from in-memory state.
 */
public final class AdminServer {

  private final Vertx vertx;
  private final ServerMetrics metrics;
  private final SessionManager sessions;
  private HttpServer http;

  public AdminServer(Vertx vertx, ServerMetrics metrics, SessionManager sessions) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.sessions = sessions;
  }

  /** Listens on {@code host:port} (0 = any free port); completes with the port bound. */
  public Future<Integer> listen(String host, int port) {
    http = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
    return http.requestHandler(this::handle).listen().map(HttpServer::actualPort);
  }

  public Future<Void> close() {
    return http == null ? Future.succeededFuture() : http.close();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      request.response().setStatusCode(405).putHeader("allow", "GET").end();
      return;
    }
    switch (request.path()) {
      case "/metrics" -> vertx.executeBlocking(metrics::scrape, false).onComplete(scraped -> {
        if (scraped.succeeded()) {
          request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
              .end(scraped.result());
        } else {
          request.response().setStatusCode(500).end(String.valueOf(scraped.cause()));
        }
      });
      case "/admin/sessions" -> request.response().putHeader("content-type", "application/json")
          .end(listing().encodePrettily());
      case "/admin", "/admin/", "/" -> request.response().putHeader("content-type", "text/html; charset=utf-8")
          .end(AdminPage.render(listing()));
      case "/health" -> request.response().putHeader("content-type", "text/plain").end("ok\n");
      default -> request.response().setStatusCode(404).end("Not found. Try /admin, /admin/sessions or /metrics.\n");
    }
  }

  /** This instance's live sessions, newest first, each with its operations. */
  JsonObject listing() {
    long now = System.currentTimeMillis();
    JsonArray list = new JsonArray();
    List<Session> live = sessions.live().stream()
        .sorted(Comparator.comparingLong(Session::createdAtMs).reversed()).toList();
    for (Session session : live) {
      JsonArray operations = new JsonArray();
      for (Operation op : session.operations()) {
        operations.add(new JsonObject()
            .put("operationId", op.id())
            .put("state", op.state().name())
            .put("ageMs", now - op.createdAtMs())
            .put("bufferedBytes", op.buffer().heldBytes())
            .put("reattachable", op.reattachable())
            .put("attached", op.detachedSinceMs() < 0)
            .put("tags", new JsonArray(List.copyOf(op.tags()))));
      }
      list.add(new JsonObject()
          .put("sessionId", session.sessionId())
          .put("userId", session.userId())
          .put("serverSideSessionId", session.serverSideSessionId())
          .put("instance", sessions.self())
          .put("ageMs", now - session.createdAtMs())
          .put("idleMs", now - session.lastAccessMs())
          .put("operations", operations));
    }
    return new JsonObject().put("instance", sessions.self()).put("sessions", list);
  }
}
