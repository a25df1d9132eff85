package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteResponse;

/**
 * ReleaseExecute: the client no longer needs responses up to an id (release_until), or the whole
 * operation (release_all). Idempotent: an unknown operation is answered without an operation id.
 */
public final class ReleaseExecuteHandler {

  private final SessionCalls calls;
  private final ExecutionManager executions;

  public ReleaseExecuteHandler(SessionCalls calls, ExecutionManager executions) {
    this.calls = calls;
    this.executions = executions;
  }

  /** As Spark: the session must exist (its observed server-side id is not checked: see its ids). */
  public Future<ReleaseExecuteResponse> handle(
      ReleaseExecuteRequest request, RequestContext context) {
    return calls
        .sessions()
        .get(context)
        .compose(
            session ->
                calls.now(
                    session,
                    s -> {
                      ReleaseExecuteResponse.Builder response =
                          ReleaseExecuteResponse.newBuilder()
                              .setSessionId(request.getSessionId())
                              .setServerSideSessionId(session.serverSideSessionId());
                      Optional<Operation> found = session.operation(request.getOperationId());
                      if (found.isPresent()) {
                        Operation operation = found.get();
                        if (!operation.reattachable()) {
                          throw SparkErrors.raise("INVALID_CURSOR.NOT_REATTACHABLE", Map.of());
                        }
                        response.setOperationId(operation.id());
                        switch (request.getReleaseCase()) {
                          case RELEASE_ALL -> executions.release(operation);
                          case RELEASE_UNTIL ->
                              operation
                                  .buffer()
                                  .releaseUntil(
                                      operation
                                          .buffer()
                                          .indexOf(request.getReleaseUntil().getResponseId()));
                          default ->
                              throw new UnsupportedOperationException(
                                  "Unknown ReleaseExecute type!");
                        }
                      }
                      return response.build();
                    }));
  }
}
