package dev.vxconnect.server.rpc;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * Serves an RPC that streams an operation's results (ExecutePlan, ReattachExecute): reads the one
 * request, resolves its {@link RequestContext}, lets the handler find the operation and where to
 * start — then, back on the call's event loop, forwards the request to the instance that owns its
 * session, or sends the failure through {@link Failures}, or streams the operation's buffer from
 * there with a {@link ResponseSender}. {@link UnaryCall} does the same for one response.
 */
public final class StreamingCall<Req> implements CallHandler<Req, ExecutePlanResponse> {

  /** Where a stream starts: the operation, its first response index, and what to do when it ends. */
  public record Start(Operation operation, long firstIndex, Runnable onEnd) {}

  /** One RPC's handler, for a request and who it is for (its caller may have been forwarded here). */
  @FunctionalInterface
  public interface Streaming<Req> {
    Future<Start> open(Req request, RequestContext context);
  }

  private final SparkConnectMethods.Method<Req, ExecutePlanResponse> method;
  private final Streaming<Req> handler;
  private final StreamLimits limits;
  private final Failures failures;
  private final Forwarder forwarder;

  public StreamingCall(
      SparkConnectMethods.Method<Req, ExecutePlanResponse> method,
      Streaming<Req> handler,
      StreamLimits limits,
      Failures failures,
      Forwarder forwarder) {
    this.method = method;
    this.handler = handler;
    this.limits = limits;
    this.failures = failures;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(GrpcServerRequest<Req, ExecutePlanResponse> call, Caller caller) {
    Context callContext = Vertx.currentContext();
    // last(): a request that cannot be decoded fails the future (INVALID_ARGUMENT), where a
    // message handler would have the stream reset without a status.
    call.last()
        .onFailure(e -> failures.send(call.response(), e, null))
        .onSuccess(
            request -> {
              Future<Start> started;
              try {
                started =
                    handler.open(request, RequestContext.of(method.ids().apply(request), caller));
              } catch (RuntimeException e) {
                started = Future.failedFuture(e);
              }
              started.onComplete(
                  result ->
                      callContext.runOnContext(
                          v -> {
                            if (result.failed()
                                && result.cause() instanceof ForwardRequired owner) {
                              forwarder.serverStream(method, request, call, owner, caller);
                            } else if (result.failed()) {
                              failures.send(call.response(), result.cause(), null);
                            } else {
                              Start start = result.result();
                              ResponseSender.stream(
                                  call,
                                  callContext,
                                  start.operation(),
                                  start.firstIndex(),
                                  limits,
                                  failures,
                                  sender -> start.onEnd().run());
                            }
                          }));
            });
    // CallGuard pauses a call while the user's gRPC interceptors run; the request is read now.
    call.resume();
  }
}
