package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import java.util.UUID;
import org.apache.spark.connect.proto.CloneSessionRequest;
import org.apache.spark.connect.proto.CloneSessionResponse;

/** CloneSession: a new session with the source's conf, temp views, functions and artifacts. */
public final class CloneSessionHandler {

  private final SessionCalls calls;

  public CloneSessionHandler(SessionCalls calls) {
    this.calls = calls;
  }

  public Future<CloneSessionResponse> handle(CloneSessionRequest request, RequestContext context) {
    String newSessionId =
        request.hasNewSessionId() && !request.getNewSessionId().isEmpty()
            ? request.getNewSessionId()
            : UUID.randomUUID().toString();
    return calls
        .sessions()
        .get(context)
        .compose(
            source ->
                calls.inSession(
                    source,
                    calls
                        .sessions()
                        .cloneSession(source, newSessionId)
                        .map(
                            copy ->
                                CloneSessionResponse.newBuilder()
                                    .setSessionId(request.getSessionId())
                                    .setServerSideSessionId(source.serverSideSessionId())
                                    .setNewSessionId(copy.sessionId())
                                    .setNewServerSideSessionId(copy.serverSideSessionId())
                                    .build())));
  }
}
