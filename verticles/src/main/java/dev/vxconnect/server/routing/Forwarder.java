package dev.vxconnect.server.routing;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.proto.SessionIds;
import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.auth.Pem;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a call whose session another instance owns on to that instance, unchanged: requests go
 * out sealed ({@link ForwardSeal}), which makes the owner serve them (never forward again) and
 * nothing more (it authenticates the client's credentials again); responses and the final status
 * (with Spark's error details) come back as the owner sent them. Streams keep their
 * backpressure: when the client reads slowly, the owner's stream is paused. An owner that cannot be
 * reached is reported as unreachable, and the client is told to retry (by then its session is
 * taken over here).
 */
public final class Forwarder {

  private static final String DETAILS_TRAILER = "grpc-status-details-bin";
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  private final GrpcClient client;
  private final Failures failures;
  private final Consumer<String> unreachable;
  private final ForwardSeal seal;
  private final LongAdder forwarded = new LongAdder();

  /** @param unreachable told the id of an owner that refused or dropped a forwarded call */
  public Forwarder(
      Vertx vertx,
      long maxMessageSize,
      TlsOptions tls,
      Failures failures,
      ForwardSeal seal,
      Consumer<String> unreachable) {
    this.client =
        GrpcClient.client(
            vertx, new GrpcClientOptions().setMaxMessageSize(maxMessageSize), httpOptions(tls));
    this.failures = failures;
    this.unreachable = unreachable;
    this.seal = seal;
  }

  /** Calls this instance has forwarded to the owners of their sessions so far. */
  public long forwardedCalls() {
    return forwarded.sum();
  }

  /**
   * HTTP/2: in clear text, or, when the instances speak TLS, over TLS trusting the configured
   * certificates (and presenting this instance's certificate when clients must have one).
   */
  private static HttpClientOptions httpOptions(TlsOptions tls) {
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2);
    if (!tls.enabled()) {
      return http.setHttp2ClearTextUpgrade(false);
    }
    http.setSsl(true).setUseAlpn(true).setTrustOptions(Pem.trust(tls.trustFile().orElseThrow()));
    if (tls.clientCaFile().isPresent()) {
      http.setKeyCertOptions(
          Pem.keyCert(tls.certFile().orElseThrow(), tls.keyFile().orElseThrow()));
    }
    return http;
  }

  /** A unary call: the owner's response or its failure. */
  public <Req, Resp> Future<Resp> unary(
      SparkConnectMethods.Method<Req, Resp> method,
      Req request,
      ForwardRequired owner,
      Caller caller) {
    return open(method, method.ids().apply(request), owner, caller)
        .compose(call -> call.send(request))
        .compose(
            response ->
                response
                    .last()
                    .transform(
                        done -> {
                          if (response.status() == GrpcStatus.OK && done.succeeded()) {
                            return Future.succeededFuture(done.result());
                          }
                          return Future.failedFuture(new RpcFailure(statusOf(response)));
                        }))
        .recover(e -> Future.failedFuture(e instanceof RpcFailure ? e : lost(owner, e)));
  }

  /** A server-streaming call: the owner's responses are written to {@code target} as they come. */
  public <Req, Resp> void serverStream(
      SparkConnectMethods.Method<Req, Resp> method,
      Req request,
      GrpcServerRequest<Req, Resp> target,
      ForwardRequired owner,
      Caller caller) {
    forward(
        method,
        request,
        target,
        owner,
        caller,
        call -> {
          target.exceptionHandler(e -> call.cancel());
          target.errorHandler(e -> call.cancel());
          call.send(request).onComplete(answered -> relay(answered, target.response(), owner));
        });
  }

  /**
   * A client-streaming call whose first message was already read: it and every later message of
   * {@code target} are sent on; the owner's response comes back.
   */
  public <Req, Resp> void clientStream(
      SparkConnectMethods.Method<Req, Resp> method,
      Req first,
      GrpcServerRequest<Req, Resp> target,
      ForwardRequired owner,
      Caller caller) {
    forward(
        method,
        first,
        target,
        owner,
        caller,
        call -> {
          call.write(first);
          pass(target, call);
          target.endHandler(v -> call.end());
          target.exceptionHandler(e -> call.cancel());
          target.resume();
          call.response().onComplete(answered -> relay(answered, target.response(), owner));
        });
  }

  /** Opens the call to the owner, then {@code then}; an owner that cannot be reached fails {@code target}. */
  private <Req, Resp> void forward(
      SparkConnectMethods.Method<Req, Resp> method,
      Req first,
      GrpcServerRequest<Req, Resp> target,
      ForwardRequired owner,
      Caller caller,
      Consumer<GrpcClientRequest<Req, Resp>> then) {
    open(method, method.ids().apply(first), owner, caller)
        .onComplete(
            opened -> {
              if (opened.failed()) {
                Throwable cause = opened.cause();
                failures.send(
                    target.response(),
                    cause instanceof RpcFailure ? cause : lost(owner, cause),
                    null);
              } else {
                then.accept(opened.result());
              }
            });
  }

  /** The call to the owner, sealed for the session {@code ids} name (the owner checks they match). */
  private <Req, Resp> Future<GrpcClientRequest<Req, Resp>> open(
      SparkConnectMethods.Method<Req, Resp> method,
      SessionIds ids,
      ForwardRequired owner,
      Caller caller) {
    forwarded.increment();
    String sealed;
    try {
      sealed = seal.seal(method.name(), owner.owner(), ids.userId(), ids.sessionId());
    } catch (IllegalStateException e) {
      // Not the owner's fault: it must not be reported as unreachable.
      return Future.failedFuture(RpcFailure.of(ErrorStatus.INTERNAL, e.getMessage()));
    }
    return client
        .request(SocketAddress.inetSocketAddress(owner.port(), owner.host()), method.client())
        .map(
            call -> {
              call.headers().set(ForwardSeal.HEADER, sealed);
              // The owner authenticates the call again, with the client's own credentials.
              caller.credentials().forEach(call.headers()::set);
              return call;
            });
  }

  /**
   * Writes the owner's responses to {@code target}, pausing the owner while the client lags; an
   * owner that did not answer is lost.
   */
  private <Req, Resp> void relay(
      AsyncResult<GrpcClientResponse<Req, Resp>> answered,
      GrpcServerResponse<Req, Resp> target,
      ForwardRequired owner) {
    if (answered.failed()) {
      failures.send(target, lost(owner, answered.cause()), null);
      return;
    }
    GrpcClientResponse<Req, Resp> from = answered.result();
    pass(from, target);
    from.exceptionHandler(e -> failures.send(target, lost(owner, e), null));
    from.endHandler(
        v -> {
          if (from.status() == GrpcStatus.OK) {
            target.end();
          } else {
            failures.send(target, statusOf(from));
          }
        });
  }

  /**
   * Writes every message of {@code from} to {@code to}, pausing {@code from} while {@code to}'s
   * write queue is full. Not a Vert.x {@code Pipe}: a pipe fails on a failed write as on a failed
   * read, and here only the owner's side failing means the owner is lost.
   */
  private static <T> void pass(ReadStream<T> from, WriteStream<T> to) {
    from.handler(
        message -> {
          to.write(message);
          if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
          }
        });
  }

  private static ErrorStatus statusOf(GrpcClientResponse<?, ?> response) {
    String details = response.trailers().get(DETAILS_TRAILER);
    return new ErrorStatus(
        response.status() == null ? GrpcStatus.UNKNOWN.code : response.status().code,
        response.statusMessage() == null ? "" : response.statusMessage(),
        details == null ? null : Base64.getDecoder().decode(details));
  }

  private RpcFailure lost(ForwardRequired owner, Throwable cause) {
    LOG.info(
        "Session owner {} at {} did not answer a forwarded call: {}",
        owner.owner(),
        owner.address(),
        cause.toString());
    unreachable.accept(owner.owner());
    return new RpcFailure(
        ErrorStatus.retryLater(
            ErrorStatus.UNAVAILABLE,
            "The instance serving this session (" + owner.owner() + ") cannot be reached; retry.",
            Duration.ofMillis(200)));
  }
}
