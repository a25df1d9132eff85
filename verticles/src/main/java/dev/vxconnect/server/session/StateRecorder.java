package dev.vxconnect.server.session;

import dev.vxconnect.proto.cluster.StateChange;
import io.vertx.core.Future;

/** Records a change of a session's state before it is acknowledged (see SessionManager#record). */
@FunctionalInterface
public interface StateRecorder {

  Future<Void> record(Session session, StateChange change);
}
