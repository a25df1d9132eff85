package dev.vxconnect.server.rpc;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * Serves a unary RPC: reads the one request, resolves its {@link RequestContext}, runs the
 * handler — or forwards the request to the instance that owns its session — and writes the
 * response or sends the failure through {@link Failures}, back on the call's event loop.
 * {@link StreamingCall} does the same for a stream of results.
 */
public final class UnaryCall<Req, Resp> implements CallHandler<Req, Resp> {

  /** One RPC's handler, for a request and who it is for (its caller may have been forwarded here). */
  @FunctionalInterface
  public interface Unary<Req, Resp> {
    Future<Resp> handle(Req request, RequestContext context);
  }

  private final SparkConnectMethods.Method<Req, Resp> method;
  private final Unary<Req, Resp> handler;
  private final Failures failures;
  private final Forwarder forwarder;

  public UnaryCall(
      SparkConnectMethods.Method<Req, Resp> method,
      Unary<Req, Resp> handler,
      Failures failures,
      Forwarder forwarder) {
    this.method = method;
    this.handler = handler;
    this.failures = failures;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(GrpcServerRequest<Req, Resp> call, Caller caller) {
    Context callContext = Vertx.currentContext();
    call.last()
        .onFailure(e -> failures.send(call.response(), e, null))
        .onSuccess(
            request -> {
              Future<Resp> response;
              try {
                response =
                    handler.handle(request, RequestContext.of(method.ids().apply(request), caller));
              } catch (RuntimeException e) {
                response = Future.failedFuture(e);
              }
              response
                  .recover(
                      e ->
                          e instanceof ForwardRequired owner
                              ? forwarder.unary(method, request, owner, caller)
                              : Future.failedFuture(e))
                  .onComplete(
                      result ->
                          callContext.runOnContext(
                              v -> {
                                if (result.succeeded()) {
                                  call.response().end(result.result());
                                } else {
                                  failures.send(call.response(), result.cause(), null);
                                }
                              }));
            });
    // CallGuard pauses a call while the user's gRPC interceptors run; the request is read now.
    call.resume();
  }
}
