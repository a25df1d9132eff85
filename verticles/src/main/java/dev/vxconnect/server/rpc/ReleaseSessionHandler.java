package dev.vxconnect.server.rpc;

import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.ReleaseSessionResponse;

/**
 * ReleaseSession: closes the session and interrupts its operations. Its id is tombstoned
 * (INVALID_HANDLE.SESSION_CLOSED afterwards) unless the client allows reconnecting.
 */
public final class ReleaseSessionHandler {

  private final SessionManager sessions;

  public ReleaseSessionHandler(SessionManager sessions) {
    this.sessions = sessions;
  }

  public Future<ReleaseSessionResponse> handle(
      ReleaseSessionRequest request, RequestContext context) {
    if (!context.permitted()) {
      return Future.failedFuture(context.notPermitted());
    }
    if (context.sealedForAnother()) {
      return Future.failedFuture(SessionManager.sealedForAnother());
    }
    try {
      // Never tombstone what cannot be a session id (it would be kept, however large).
      SessionManager.validateId(request.getSessionId());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // Through get(): a session another instance owns is released there (ForwardRequired).
    return sessions
        .get(context)
        .recover(
            e ->
                e instanceof ForwardRequired
                    ? Future.failedFuture(e)
                    : Future.succeededFuture(null))
        .compose(found -> sessions.close(context.key(), request.getAllowReconnect()))
        .map(
            closed -> {
              ReleaseSessionResponse.Builder response =
                  ReleaseSessionResponse.newBuilder().setSessionId(request.getSessionId());
              closed.ifPresent(s -> response.setServerSideSessionId(s.serverSideSessionId()));
              return response.build();
            });
  }
}
