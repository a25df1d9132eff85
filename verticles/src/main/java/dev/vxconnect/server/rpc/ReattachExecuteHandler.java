package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.buffer.ResponseIds;
import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.Operation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.Map;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReattachExecute: a new stream for a reattachable operation, resuming after the last response the
 * client saw. The stream it replaces ends with INVALID_CURSOR.DISCONNECTED.
 */
public final class ReattachExecuteHandler
    implements CallHandler<ReattachExecuteRequest, ExecutePlanResponse> {

  private record Resume(Operation operation, long firstIndex) {}

  private static final Logger LOG = LoggerFactory.getLogger(ReattachExecuteHandler.class);

  private final SessionCalls calls;
  private final ExecutionManager executions;
  private final StreamLimits limits;
  private final SparkConnectMethods.Method<ReattachExecuteRequest, ExecutePlanResponse> method;
  private final Forwarder forwarder;

  public ReattachExecuteHandler(SessionCalls calls, ExecutionManager executions, StreamLimits limits,
      SparkConnectMethods.Method<ReattachExecuteRequest, ExecutePlanResponse> method, Forwarder forwarder) {
    this.calls = calls;
    this.executions = executions;
    this.limits = limits;
    this.method = method;
    this.forwarder = forwarder;
  }

  /** An operation this instance does not hold: run again here if it was lost in a failover. */
  private Future<Operation> recover(dev.vxconnect.server.session.Session session, ReattachExecuteRequest request) {
    long lastIndex = 0;
    if (request.hasLastResponseId()) {
      java.util.OptionalLong index = ResponseIds.indexOf(request.getOperationId(), request.getLastResponseId());
      if (index.isEmpty()) {
        return Future.failedFuture(SparkErrors.raise("INVALID_CURSOR.POSITION_NOT_FOUND",
            Map.of("responseId", request.getLastResponseId())));
      }
      lastIndex = index.getAsLong();
    }
    return executions.recover(session, request.getOperationId(), lastIndex);
  }

  @Override
  public void handle(GrpcServerRequest<ReattachExecuteRequest, ExecutePlanResponse> call, Caller caller) {
    Context callContext = Vertx.currentContext();
    call.last().onFailure(e -> calls.failures().send(call.response(), e, null)).onSuccess(request -> {
      RequestContext context = RequestContext.of(request.getUserContext(), request.getSessionId(),
          request.hasClientObservedServerSideSessionId(), request.getClientObservedServerSideSessionId(),
          caller);
      calls.sessions().get(context).compose(session -> session.operation(request.getOperationId()).isPresent()
          ? Future.succeededFuture(session)
          : recover(session, request).map(session)
      ).compose(session -> calls.now(session, s -> {
        Operation operation = s.operation(request.getOperationId()).orElseThrow(() ->
            SparkErrors.invalidHandle("OPERATION_NOT_FOUND", request.getOperationId()));
        if (!operation.reattachable()) {
          throw SparkErrors.raise("INVALID_CURSOR.NOT_REATTACHABLE", Map.of());
        }
        long first = request.hasLastResponseId()
            ? operation.buffer().indexOf(request.getLastResponseId()) + 1 : 1;
        return new Resume(operation, first);
      })).onComplete(found -> callContext.runOnContext(v -> {
        if (found.failed() && found.cause() instanceof ForwardRequired owner) {
          forwarder.serverStream(method, request, call, owner, caller);
          return;
        }
        if (found.failed()) {
          calls.failures().send(call.response(), found.cause(), null);
          return;
        }
        Resume resume = found.result();
        LogIds.of(LOG.atInfo(), resume.operation()).log("Operation {} of session {} reattached, resuming at response {}",
            resume.operation().id(), request.getSessionId(), resume.firstIndex());
        ResponseSender.stream(call, callContext, resume.operation(), resume.firstIndex(), limits,
            calls.failures(), s -> {});
      }));
    });
  }
}
