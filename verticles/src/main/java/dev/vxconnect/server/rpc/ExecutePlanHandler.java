package dev.vxconnect.server.rpc;

import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.ExecutePlanRequest;

/**
 * ExecutePlan: registers the operation and starts it on the execution pool; {@link StreamingCall}
 * streams its buffer to the client. A non-reattachable operation lives as long as its stream: when
 * the client goes away it is interrupted, as in Spark.
 */
public final class ExecutePlanHandler {

  private final SessionCalls calls;
  private final ExecutionManager executions;

  public ExecutePlanHandler(SessionCalls calls, ExecutionManager executions) {
    this.calls = calls;
    this.executions = executions;
  }

  public Future<StreamingCall.Start> open(ExecutePlanRequest request, RequestContext context) {
    RequestChecks.plan(request.getPlan());
    RequestChecks.tags(request.getTagsList());
    return calls
        .sessions()
        .getOrCreate(context)
        .compose(session -> calls.inSession(session, executions.open(session, request)))
        .map(operation -> new StreamingCall.Start(operation, 1, () -> ended(operation)));
  }

  private void ended(Operation operation) {
    if (!operation.reattachable()) {
      executions.release(operation);
    }
  }
}
