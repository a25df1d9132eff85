package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.buffer.ResponseIds;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.Session;
import io.vertx.core.Future;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReattachExecute: a new stream for a reattachable operation, resuming after the last response the
 * client saw ({@link StreamingCall} streams it). The stream it replaces ends with
 * INVALID_CURSOR.DISCONNECTED.
 */
public final class ReattachExecuteHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ReattachExecuteHandler.class);

  private final SessionCalls calls;
  private final ExecutionManager executions;

  public ReattachExecuteHandler(SessionCalls calls, ExecutionManager executions) {
    this.calls = calls;
    this.executions = executions;
  }

  /** An operation this instance does not hold: run again here if it was lost in a failover. */
  private Future<Operation> recover(Session session, ReattachExecuteRequest request) {
    long lastIndex = 0;
    if (request.hasLastResponseId()) {
      OptionalLong index =
          ResponseIds.indexOf(request.getOperationId(), request.getLastResponseId());
      if (index.isEmpty()) {
        return Future.failedFuture(
            SparkErrors.raise(
                "INVALID_CURSOR.POSITION_NOT_FOUND",
                Map.of("responseId", request.getLastResponseId())));
      }
      lastIndex = index.getAsLong();
    }
    return executions.recover(session, request.getOperationId(), lastIndex);
  }

  public Future<StreamingCall.Start> open(ReattachExecuteRequest request, RequestContext context) {
    if (context.permitted()
        && executions.wasRefused(context.userId(), context.sessionId(), request.getOperationId())) {
      // Refused for its client to retry, and forgotten: the official clients send it again.
      LOG.info(
          "Reattach to operation {} of session {}, refused for its client to retry: not found",
          request.getOperationId(),
          request.getSessionId());
      return Future.failedFuture(
          SparkErrors.invalidHandle("OPERATION_NOT_FOUND", request.getOperationId()));
    }
    return calls
        .sessions()
        .get(context)
        .compose(
            session ->
                session.operation(request.getOperationId()).isPresent()
                    ? Future.succeededFuture(session)
                    : recover(session, request).map(session))
        .compose(
            session ->
                calls.now(
                    session,
                    s -> {
                      Operation operation =
                          s.operation(request.getOperationId())
                              .orElseThrow(
                                  () ->
                                      SparkErrors.invalidHandle(
                                          "OPERATION_NOT_FOUND", request.getOperationId()));
                      if (!operation.reattachable()) {
                        throw SparkErrors.raise("INVALID_CURSOR.NOT_REATTACHABLE", Map.of());
                      }
                      long first =
                          request.hasLastResponseId()
                              ? operation.buffer().indexOf(request.getLastResponseId()) + 1
                              : 1;
                      LogIds.of(LOG.atInfo(), operation)
                          .log(
                              "Operation {} of session {} reattached, resuming at response {}",
                              operation.id(),
                              request.getSessionId(),
                              first);
                      return new StreamingCall.Start(operation, first, () -> {});
                    }));
  }
}
