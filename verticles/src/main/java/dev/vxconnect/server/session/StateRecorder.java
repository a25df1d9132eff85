package dev.vxconnect.server.session;

import dev.vxconnect.cluster.StateUnavailableException;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.proto.cluster.StateChange;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/** Records a change of a session's state before it is acknowledged (see SessionManager#record). */
public interface StateRecorder {

  /** Records the change; the returned future completes once it is stored. */
  Future<Void> record(Session session, StateChange change);

  /**
   * The change was made in the session's Spark state but {@link #record} failed: the session must
   * not go on here with a state its record does not have (see SessionManager#discard). Called
   * once the call that made the change has ended.
   */
  void discard(Session session, Throwable why);

  /**
   * The status of a call that failed because the state database could not be used: UNAVAILABLE
   * with a retry delay (nothing was changed that the client could see later), if that is the cause.
   */
  static Optional<ErrorStatus> unavailable(Throwable failure, Duration retryDelay) {
    return StateUnavailableException.in(failure).map(lost -> ErrorStatus.retryLater(ErrorStatus.UNAVAILABLE,
        lost.getMessage() + ". Nothing was changed; retry later.", retryDelay));
  }
}
