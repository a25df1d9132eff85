package dev.vxconnect.server.rpc;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the calls in flight on every event loop and remembers when the last one started, so a
 * graceful stop can wait until clients have gone quiet (a client often follows a result with a
 * ReleaseExecute or a Config call).
 */
public final class CallTracker {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastStartNanos = new AtomicLong(System.nanoTime());

  /** Wraps the gRPC server's request handler. */
  public Handler<HttpServerRequest> track(Handler<HttpServerRequest> next) {
    return request -> {
      inFlight.incrementAndGet();
      lastStartNanos.set(System.nanoTime());
      Runnable done = new Runnable() {
        private boolean counted;

        @Override
        public synchronized void run() {
          if (!counted) {
            counted = true;
            inFlight.decrementAndGet();
          }
        }
      };
      request.response().endHandler(v -> done.run());
      request.response().closeHandler(v -> done.run());
      next.handle(request);
    };
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Milliseconds since the last call started. */
  public long quietMillis() {
    return (System.nanoTime() - lastStartNanos.get()) / 1_000_000;
  }
}
