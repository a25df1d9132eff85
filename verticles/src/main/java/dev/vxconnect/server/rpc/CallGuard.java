package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.auth.Authenticator;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.routing.Forwarder;
import io.vertx.core.Handler;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door every RPC passes: authenticates the call from its headers and transport before any of
 * its messages is read, then hands it to its handler with the {@link Caller}; a refused call ends
 * at once with UNAUTHENTICATED.
 */
public final class CallGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);

  private final Authenticator authenticator;
  private final Failures failures;

  public CallGuard(Authenticator authenticator, Failures failures) {
    this.authenticator = authenticator;
    this.failures = failures;
  }

  public <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> guard(CallHandler<Req, Resp> handler) {
    return call -> {
      Caller caller;
      try {
        caller =
            authenticator.authenticate(
                call.headers(), call.connection(), Forwarder.isForwarded(call));
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
      handler.handle(call, caller);
    };
  }
}
