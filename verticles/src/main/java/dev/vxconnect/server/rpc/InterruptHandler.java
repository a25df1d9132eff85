package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.InterruptResponse;

/**
 * Interrupt: all of a session's operations, those with a tag, or one by id. As in Spark, "all" and
 * "tag" also stop the session's (tagged) streaming queries.
 */
public final class InterruptHandler {

  private final SessionCalls calls;
  private final ExecutionManager executions;

  public InterruptHandler(SessionCalls calls, ExecutionManager executions) {
    this.calls = calls;
    this.executions = executions;
  }

  private static List<String> concat(List<String> operations, List<String> streamingQueries) {
    List<String> all = new ArrayList<>(operations);
    all.addAll(streamingQueries);
    return all;
  }

  public Future<InterruptResponse> handle(InterruptRequest request, RequestContext context) {
    return calls.run(
        context,
        session -> {
          List<String> interrupted =
              switch (request.getInterruptType()) {
                case INTERRUPT_TYPE_ALL ->
                    concat(
                        executions.interruptAll(session),
                        session.context().stopStreamingQueries(Optional.empty()));
                case INTERRUPT_TYPE_TAG -> {
                  if (!request.hasOperationTag()) {
                    throw SparkErrors.raise(
                        "INVALID_PARAMETER_VALUE.INTERRUPT_TYPE_TAG_REQUIRES_TAG",
                        Map.of("parameter", "operation_tag", "functionName", "interrupt"));
                  }
                  yield concat(
                      executions.interruptTag(session, request.getOperationTag()),
                      session
                          .context()
                          .stopStreamingQueries(Optional.of(request.getOperationTag())));
                }
                case INTERRUPT_TYPE_OPERATION_ID -> {
                  if (!request.hasOperationId()) {
                    throw SparkErrors.raise(
                        "INVALID_PARAMETER_VALUE.INTERRUPT_TYPE_OPERATION_ID_REQUIRES_ID",
                        Map.of("parameter", "operation_id", "functionName", "interrupt"));
                  }
                  yield executions.interruptOperation(session, request.getOperationId());
                }
                default ->
                    throw SparkErrors.raise(
                        "UNSUPPORTED_FEATURE.INTERRUPT_TYPE",
                        Map.of("interruptType", request.getInterruptType().toString()));
              };
          return InterruptResponse.newBuilder()
              .setSessionId(request.getSessionId())
              .setServerSideSessionId(session.serverSideSessionId())
              .addAllInterruptedIds(interrupted)
              .build();
        });
  }
}
