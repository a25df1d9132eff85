package dev.vxconnect.server.rpc;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the calls in flight on every event loop and remembers when the last one started, so a
 * graceful stop can wait until clients have gone quiet (a client often follows a result with a
 * ReleaseExecute or a Config call). Each finished call is also told to an {@link Observer} (the
 * metrics), with its method and gRPC status.
 */
public final class CallTracker {

  /** Told of every finished call, on its event loop: keep it short. */
  public interface Observer {
    /**
     * @param path the request path, e.g. {@code /spark.connect.SparkConnectService/ExecutePlan}
     * @param grpcStatus the gRPC status code sent, or -1 when the stream ended without one (reset)
     */
    void callEnded(String path, int grpcStatus, long nanos);
  }

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());
  private final Observer observer;

  public CallTracker() {
    this((path, status, nanos) -> {});
  }

  public CallTracker(Observer observer) {
    this.observer = observer;
  }

  /** Wraps the gRPC server's request handler. */
  public Handler<HttpServerRequest> track(Handler<HttpServerRequest> next) {
    return request -> {
      inFlight.incrementAndGet();
      long start = System.nanoTime();
      lastActivityNanos.accumulateAndGet(start, Math::max);
      String path = request.path();
      Runnable done =
          new Runnable() {
            private boolean counted;

            @Override
            public synchronized void run() {
              if (!counted) {
                counted = true;
                long end = System.nanoTime();
                // A client usually follows a result with another call (release): quiet counts from
                // the end of the last call, not from its start.
                lastActivityNanos.accumulateAndGet(end, Math::max);
                inFlight.decrementAndGet();
                observer.callEnded(path, statusOf(request.response()), end - start);
              }
            }
          };
      request.response().endHandler(v -> done.run());
      request.response().closeHandler(v -> done.run());
      next.handle(request);
    };
  }

  /** The grpc-status the response carried, in its trailers or (trailers-only) headers; -1 if none. */
  private static int statusOf(HttpServerResponse response) {
    String status = response.trailers().get("grpc-status");
    if (status == null) {
      status = response.headers().get("grpc-status");
    }
    try {
      return status == null ? -1 : Integer.parseInt(status);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Milliseconds since the last call started or ended. */
  public long quietMillis() {
    return (System.nanoTime() - lastActivityNanos.get()) / 1_000_000;
  }
}
