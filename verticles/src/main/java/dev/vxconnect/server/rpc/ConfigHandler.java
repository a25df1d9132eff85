package dev.vxconnect.server.rpc;

import com.google.protobuf.ByteString;
import dev.vxconnect.proto.cluster.StateChange;
import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionRecorder;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;

/** Config: set / get / get_with_default / get_option / get_all / unset / is_modifiable. */
public final class ConfigHandler {

  private final SessionCalls calls;

  public ConfigHandler(SessionCalls calls) {
    this.calls = calls;
  }

  public Future<ConfigResponse> handle(ConfigRequest request, RequestContext context) {
    RequestChecks.config(request);
    return calls
        .sessions()
        .getOrCreate(context)
        .compose(
            session ->
                calls
                    .blocking(
                        session,
                        s ->
                            s.context()
                                .config(request.getOperation())
                                .setSessionId(request.getSessionId())
                                .setServerSideSessionId(s.serverSideSessionId())
                                .build())
                    .compose(
                        response ->
                            changesConf(request.getOperation())
                                ? recorded(session, request).map(response)
                                : Future.succeededFuture(response)));
  }

  /**
   * Records a conf change before it is acknowledged; a change the store did not take drops the
   * session here (SessionRecorder#discard), so that its next call rebuilds it without the change.
   */
  private Future<Void> recorded(Session session, ConfigRequest request) {
    SessionRecorder recorder = calls.sessions().recorder();
    return recorder
        .record(
            session,
            StateChange.newBuilder()
                .setKind(StateChange.Kind.CONFIG)
                .setRequest(ByteString.copyFrom(request.toByteArray()))
                .build())
        .onFailure(notRecorded -> recorder.discard(session, notRecorded));
  }

  /** Set and unset change the session's conf: they are recorded for a takeover to replay. */
  private static boolean changesConf(ConfigRequest.Operation operation) {
    return operation.hasSet() || operation.hasUnset();
  }
}
