package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.auth.Authenticator;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.intercept.InterceptorChain;
import dev.vxconnect.server.routing.Forwarder;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door every RPC passes: authenticates the call from its headers and transport before any of
 * its messages is read, then runs the user's gRPC interceptors, if any, and hands the call to its
 * handler with the {@link Caller}; a refused call ends at once with UNAUTHENTICATED, or with the
 * status an interceptor closed it with.
 */
public final class CallGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);

  private final Authenticator authenticator;
  private final InterceptorChain interceptors;
  private final Failures failures;

  public CallGuard(Authenticator authenticator, InterceptorChain interceptors, Failures failures) {
    this.authenticator = authenticator;
    this.interceptors = interceptors;
    this.failures = failures;
  }

  public <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> guard(CallHandler<Req, Resp> handler) {
    return call -> {
      Caller caller;
      boolean forwarded = Forwarder.isForwarded(call);
      try {
        caller = authenticator.authenticate(call.headers(), call.connection(), forwarded);
      } catch (Authenticator.Refused refused) {
        LOG.info(
            "Refused {} from {}: {}",
            call.methodName(),
            call.connection().remoteAddress(),
            refused.getMessage());
        failures.send(
            call.response(), ErrorStatus.of(ErrorStatus.UNAUTHENTICATED, refused.getMessage()));
        return;
      }
      // A forwarded call passed the interceptors on the instance the client called.
      if (interceptors.isEmpty() || forwarded) {
        handler.handle(call, caller);
      } else {
        intercept(call, caller, handler);
      }
    };
  }

  /**
   * Runs the interceptors on a worker thread (they may block), the call paused meanwhile so that
   * none of its messages is read before its handler is there; the handlers resume it.
   */
  private <Req, Resp> void intercept(
      GrpcServerRequest<Req, Resp> call, Caller caller, CallHandler<Req, Resp> handler) {
    call.pause();
    Context context = Vertx.currentContext();
    context
        .executeBlocking(interceptors.prepare(call), false)
        .onComplete(
            result -> {
              if (result.failed()) {
                LOG.error("gRPC interceptors failed on {}", call.methodName(), result.cause());
                failures.send(
                    call.response(),
                    ErrorStatus.of(
                        ErrorStatus.INTERNAL, "gRPC interceptors failed: " + result.cause()));
                return;
              }
              InterceptorChain.Outcome outcome = result.result();
              if (!outcome.proceeds()) {
                LOG.info(
                    "{} from {} ended by a gRPC interceptor: {}",
                    call.methodName(),
                    call.connection().remoteAddress(),
                    outcome.status());
                try {
                  outcome.applyTo(call.response());
                } catch (RuntimeException closed) {
                  // The client cancelled meanwhile (Vert.x may throw on the reset stream).
                  LOG.debug("Could not end {}: {}", call.methodName(), closed.toString());
                }
                return;
              }
              outcome.applyTo(call.response());
              handler.handle(call, caller);
            });
  }
}
