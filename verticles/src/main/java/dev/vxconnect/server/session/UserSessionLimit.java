package dev.vxconnect.server.session;

import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions one user may hold, counted in the cluster ({@link SessionCounts}), so that a user
 * gets no more by spreading sessions over the instances. A new session (created or cloned) is
 * counted before it is made, and refused with RESOURCE_EXHAUSTED and a RetryInfo beyond the
 * limit; a session taken over is counted without a check (it exists already); a session stops
 * counting when its record goes (closed, expired, or expired after its owner died).
 */
final class UserSessionLimit {

  private static final Logger LOG = LoggerFactory.getLogger(UserSessionLimit.class);

  private final SessionCounts counts;
  private final int limit;
  private final Duration retryDelay;

  UserSessionLimit(SessionCounts counts, int limit, Duration retryDelay) {
    this.counts = counts;
    this.limit = limit;
    this.retryDelay = retryDelay;
  }

  /** Counts a new session, or fails with the refusal. */
  Future<Void> claim(SessionKey key) {
    return counts
        .claim(key.userId(), key.sessionId(), limit)
        .compose(
            claim ->
                claim.granted()
                    ? Future.succeededFuture()
                    : Future.failedFuture(refusal(key.userId(), claim.held())));
  }

  /** Counts a session taken over here (never refused). */
  void adopt(SessionKey key) {
    counts.adopt(key.userId(), key.sessionId()).onFailure(e -> failed("count", key, e));
  }

  /** Stops counting a session that is gone. */
  Future<Void> release(SessionKey key) {
    return counts
        .release(key.userId(), key.sessionId())
        .recover(
            e -> {
              failed("release", key, e);
              return Future.succeededFuture();
            });
  }

  private RpcFailure refusal(String userId, int held) {
    return new RpcFailure(
        ErrorStatus.retryLater(
            ErrorStatus.RESOURCE_EXHAUSTED,
            "User "
                + userId
                + " holds "
                + held
                + " sessions over all instances, the most one user may hold ("
                + ConfigKeys.MAX_SESSIONS_PER_USER.key()
                + " = "
                + limit
                + "); close some, or retry later.",
            retryDelay));
  }

  private static void failed(String what, SessionKey key, Throwable e) {
    LogIds.of(LOG.atWarn(), key)
        .log(
            "Session {} of user {}: could not {} it in the sessions per user: {}",
            key.sessionId(),
            key.userId(),
            what,
            e.toString());
  }
}
