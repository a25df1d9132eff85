package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.FetchErrorDetailsRequest;
import org.apache.spark.connect.proto.FetchErrorDetailsResponse;

/** FetchErrorDetails: the cause chain of an earlier error of the session, by errorId, once. */
public final class FetchErrorDetailsHandler {

  private final SessionCalls calls;

  public FetchErrorDetailsHandler(SessionCalls calls) {
    this.calls = calls;
  }

  public Future<FetchErrorDetailsResponse> handle(
      FetchErrorDetailsRequest request, RequestContext context) {
    return calls.run(
        context,
        session ->
            session
                .context()
                .takeErrorDetails(request.getErrorId())
                .map(FetchErrorDetailsResponse::toBuilder)
                .orElseGet(FetchErrorDetailsResponse::newBuilder)
                .setSessionId(request.getSessionId())
                .setServerSideSessionId(session.serverSideSessionId())
                .build());
  }
}
