package dev.vxconnect.server.session;

import dev.vxconnect.proto.cluster.StateChange;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import io.vertx.core.Future;

/** Records a change of a session's state before it is acknowledged (see SessionRecorder). */
public interface StateRecorder {

  /** Records the change; the returned future completes once it is stored. */
  Future<Void> record(Session session, StateChange change);

  /**
   * Records a streaming query the session started, so that another instance starts it again after
   * a failover (or reports it lost); completes once it is stored, or at once when the query is not
   * recorded (a single instance; a session with as many as it may record).
   */
  Future<Void> recordStreamingQuery(Session session, StreamingQueryRecord query);

  /** Forgets a streaming query that ended; completes once the record no longer has it. */
  Future<Void> forgetStreamingQuery(Session session, String queryId);

  /**
   * The change was made in the session's Spark state but {@link #record} failed: the session must
   * not go on here with a state its record does not have (see SessionRecorder#discard). Called
   * once the call that made the change has ended.
   */
  void discard(Session session, Throwable why);
}
