package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.auth.Authenticator;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.intercept.InterceptorChain;
import dev.vxconnect.server.routing.ForwardSeal;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door every RPC passes: authenticates the call from its headers and transport before any of
 * its messages is read, then runs the user's gRPC interceptors, if any, and hands the call to its
 * handler with the {@link Caller}; a refused call ends at once with UNAUTHENTICATED, or with the
 * status an interceptor closed it with. A call is taken as forwarded by another instance only when
 * its {@link ForwardSeal} is valid; a call whose forwarded header is not (a client that copied or
 * forged it) is an ordinary client call: still served, routed, checked and intercepted as one.
 */
public final class CallGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;

  private final Authenticator authenticator;
  private final InterceptorChain interceptors;
  private final Failures failures;
  private final ForwardSeal seal;
  private final long maxInboundMessageSize;

  /** Calls that carried the forwarded header without a valid seal. */
  private final LongAdder unsealed = new LongAdder();

  /** When an untrusted forwarded header was last logged: one line a minute at most. */
  private final AtomicLong lastUntrustedLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  public CallGuard(
      Authenticator authenticator,
      InterceptorChain interceptors,
      Failures failures,
      ForwardSeal seal,
      long maxInboundMessageSize) {
    this.authenticator = authenticator;
    this.interceptors = interceptors;
    this.failures = failures;
    this.seal = seal;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  public <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> guard(CallHandler<Req, Resp> handler) {
    return call -> {
      call.invalidMessageHandler(invalid -> refuseInvalid(call, invalid));
      Caller caller;
      try {
        caller = authenticator.authenticate(call.headers(), call.connection(), sealedFor(call));
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
      if (interceptors.isEmpty() || caller.forwarded()) {
        handler.handle(call, caller);
      } else {
        intercept(call, caller, handler);
      }
    };
  }

  /**
   * Vert.x answers a message over {@code spark.connect.grpc.maxInboundMessageSize} with a bare
   * RESOURCE_EXHAUSTED, which leaves the user guessing which limit; this answer names it (key and
   * value), as grpc-java's message on Spark's server gives the size. No RetryInfo: the same
   * message would be refused again. Any other invalid message is cancelled, as Vert.x does.
   */
  private void refuseInvalid(GrpcServerRequest<?, ?> call, InvalidMessageException invalid) {
    if (invalid instanceof MessageSizeOverflowException overflow) {
      failures.send(
          call.response(),
          ErrorStatus.of(
              ErrorStatus.RESOURCE_EXHAUSTED,
              "The request message of "
                  + overflow.messageSize()
                  + " bytes is larger than the server accepts ("
                  + ConfigKeys.MAX_INBOUND_MESSAGE_SIZE.key()
                  + " = "
                  + maxInboundMessageSize
                  + ")."));
      return;
    }
    try {
      call.response().cancel();
    } catch (RuntimeException ended) {
      LOG.debug("Could not cancel {}: {}", call.methodName(), ended.toString());
    }
  }

  /** Calls so far that carried the forwarded header without a valid seal. */
  public long unsealedCalls() {
    return unsealed.sum();
  }

  /**
   * The user and session another instance forwarded the call here for, when it carries a valid
   * seal; checked before authentication, which takes the seal's word for the client certificate
   * (the connection's certificate is then the forwarding instance's).
   */
  private Optional<Caller.ForwardedFor> sealedFor(GrpcServerRequest<?, ?> call) {
    String value = call.headers().get(ForwardSeal.HEADER);
    if (value == null) {
      return Optional.empty();
    }
    ForwardSeal.Verdict verdict = seal.check(value, call.methodName());
    if (verdict.trusted().isPresent()) {
      return verdict.trusted();
    }
    unsealed.increment();
    long now = System.nanoTime();
    long last = lastUntrustedLog.get();
    if (now - last >= LOG_EVERY_NANOS && lastUntrustedLog.compareAndSet(last, now)) {
      LOG.warn(
          "{} from {} carries the {} header without a valid seal ({}): served as an ordinary"
              + " client call (logged once a minute)",
          call.methodName(),
          call.connection().remoteAddress(),
          ForwardSeal.HEADER,
          verdict.reason());
    }
    return Optional.empty();
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
