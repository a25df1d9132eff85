package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;

/** AnalyzePlan: schema, explain, tree string, is_local, ..., persist, unpersist, storage level. */
public final class AnalyzePlanHandler {

  private final SessionCalls calls;

  public AnalyzePlanHandler(SessionCalls calls) {
    this.calls = calls;
  }

  public Future<AnalyzePlanResponse> handle(AnalyzePlanRequest request, RequestContext context) {
    RequestChecks.analyze(request);
    return calls.run(
        context,
        session ->
            session
                .context()
                .analyze(request)
                .setSessionId(request.getSessionId())
                .setServerSideSessionId(session.serverSideSessionId())
                .build());
  }
}
