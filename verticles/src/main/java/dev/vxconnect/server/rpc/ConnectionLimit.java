package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.GrpcMessage;
import dev.vxconnect.server.config.ConfigKeys;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections of every event loop's server and refuses new ones beyond the limit as
 * they arrive, so a flood of connections cannot take the file descriptors and memory the served
 * ones need. A refused connection is kept for a short grace only to answer the calls it brings
 * with UNAVAILABLE, a message that names the limit and a RetryInfo, then shut down: closed at once (or with a
 * GOAWAY), grpc-java calls either fail with "network closed" or wait, retried on new connections,
 * and the user never learns which limit refused them. UNAVAILABLE is what clients retry. It also
 * knows the connections it served, to tell them of a shutdown ({@link #announceShutdown}).
 */
public final class ConnectionLimit {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
  private static final long LOG_EVERY_MS = 10_000;

  /** How long a refused connection may stay open to hear why; then it is closed anyway. */
  static final long REFUSED_GRACE_MS = 2_000;

  /**
   * Refused connections held open at once to hear why; those beyond are closed at once, bare, so
   * that a flood of connections is not held for the grace, whatever its rate.
   */
  static final int REFUSED_HELD = 64;

  private final int max;
  private final int refusedHeld;
  private final ErrorStatus refusal;
  private final AtomicInteger open = new AtomicInteger();
  private final Set<HttpConnection> refused = ConcurrentHashMap.newKeySet();
  private final Set<HttpConnection> served = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastLogged = new AtomicLong();

  /** @param retryDelay the back-off the refusal suggests (google.rpc.RetryInfo) */
  public ConnectionLimit(int max, Duration retryDelay) {
    this(max, retryDelay, REFUSED_HELD);
  }

  ConnectionLimit(int max, Duration retryDelay, int refusedHeld) {
    this.max = max;
    this.refusedHeld = refusedHeld;
    this.refusal =
        ErrorStatus.retryLater(
            ErrorStatus.UNAVAILABLE,
            "vxconnect serves at most "
                + max
                + " connections at once ("
                + ConfigKeys.MAX_CONNECTIONS.key()
                + " = "
                + max
                + "); retry later",
            retryDelay);
  }

  /** The server's connection handler. */
  public void admit(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      long now = System.currentTimeMillis();
      long last = lastLogged.get();
      if (now - last > LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
        LOG.warn(
            "{} connections open, the most allowed (vxconnect.server.maxConnections): refusing new"
                + " ones (latest from {})",
            max,
            connection.remoteAddress());
      }
      Context context = Vertx.currentContext();
      if (context == null || refused.size() >= refusedHeld) {
        connection.close();
      } else {
        refused.add(connection);
        connection.closeHandler(v -> refused.remove(connection));
        context.owner().setTimer(REFUSED_GRACE_MS, id -> connection.close());
      }
      return;
    }
    served.add(connection);
    connection.closeHandler(
        v -> {
          served.remove(connection);
          open.decrementAndGet();
        });
  }

  /**
   * Tells the client of every served connection that the server goes away, before the service
   * stops: a GOAWAY that still admits every stream (last stream id 2^31-1). A client opens its next
   * calls on a new connection once it reads it, and the service's own shutdown, queued behind it on
   * the connection's event loop, sends no second GOAWAY (netty sends one at most). So a call the
   * client sent before it read the GOAWAY is served, not refused: refused, that call's DATA frame
   * makes netty close the whole connection as a protocol error, and every stream still open on it
   * is cut (grpc-java: "Connection closed after GOAWAY"), a running command's answer with it.
   */
  public void announceShutdown() {
    for (HttpConnection connection : served) {
      try {
        connection.goAway(0, Integer.MAX_VALUE);
      } catch (RuntimeException closing) {
        LOG.debug("Connection already closing: {}", closing.toString());
      }
    }
  }

  /**
   * The server's request handler: a call on a refused connection is answered UNAVAILABLE (a gRPC
   * trailers-only response) saying why, and the connection is shut down (GOAWAY, closed once the
   * answer is sent); every other call goes to {@code next}.
   */
  public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return request -> {
      HttpConnection connection = request.connection();
      if (!refused.contains(connection)) {
        next.handle(request);
        return;
      }
      request
          .response()
          .putHeader("content-type", "application/grpc")
          .putHeader("grpc-status", String.valueOf(refusal.code()))
          .putHeader("grpc-message", GrpcMessage.encode(refusal.message()))
          .putHeader(
              "grpc-status-details-bin",
              Base64.getEncoder().withoutPadding().encodeToString(refusal.details()))
          .end();
      try {
        connection.shutdown(REFUSED_GRACE_MS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException closing) {
        LOG.debug("Refused connection already closing: {}", closing.toString());
      }
    };
  }

  /**
   * The answer to a refused connection's calls, with a RetryInfo so that clients wait before they
   * connect again.
   */
  ErrorStatus refusal() {
    return refusal;
  }

  public int open() {
    return open.get();
  }
}
