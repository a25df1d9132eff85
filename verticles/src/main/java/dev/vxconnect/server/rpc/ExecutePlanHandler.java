package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.Session;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * ExecutePlan: registers the operation, starts it on the execution pool and streams its buffer to
 * the client. A non-reattachable operation lives as long as its stream: when the client goes away
 * it is interrupted, as in Spark.
 */
public final class ExecutePlanHandler implements CallHandler<ExecutePlanRequest, ExecutePlanResponse> {

  private final SessionCalls calls;
  private final ExecutionManager executions;
  private final StreamLimits limits;
  private final SparkConnectMethods.Method<ExecutePlanRequest, ExecutePlanResponse> method;
  private final Forwarder forwarder;

  public ExecutePlanHandler(SessionCalls calls, ExecutionManager executions, StreamLimits limits,
      SparkConnectMethods.Method<ExecutePlanRequest, ExecutePlanResponse> method, Forwarder forwarder) {
    this.calls = calls;
    this.executions = executions;
    this.limits = limits;
    this.method = method;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(GrpcServerRequest<ExecutePlanRequest, ExecutePlanResponse> call, Caller caller) {
    Context callContext = Vertx.currentContext();
    // last(): a request that cannot be decoded fails the future (INVALID_ARGUMENT), where a
    // message handler would have the stream reset without a status.
    call.last().onFailure(e -> calls.failures().send(call.response(), e, null)).onSuccess(request -> {
      RequestContext context = RequestContext.of(request.getUserContext(), request.getSessionId(),
          request.hasClientObservedServerSideSessionId(), request.getClientObservedServerSideSessionId(),
          caller);
      calls.sessions().getOrCreate(context).compose(session -> calls.now(session, s -> start(s, request)))
          .onComplete(started -> callContext.runOnContext(v -> {
            if (started.failed() && started.cause() instanceof ForwardRequired owner) {
              forwarder.serverStream(method, request, call, owner, caller);
              return;
            }
            if (started.failed()) {
              calls.failures().send(call.response(), started.cause(), null);
              return;
            }
            Operation operation = started.result();
            ResponseSender.stream(call, callContext, operation, 1, limits, calls.failures(),
                s -> ended(operation));
          }));
    });
  }

  private Operation start(Session session, ExecutePlanRequest request) {
    return executions.start(session, request);
  }

  private void ended(Operation operation) {
    if (!operation.reattachable()) {
      executions.release(operation);
    }
  }
}
