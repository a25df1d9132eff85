package dev.vxconnect.cluster;

import dev.vxconnect.proto.cluster.UserSessions;
import java.util.Optional;

/**
 * The counting rules of {@link SessionCounts} on one user's {@link UserSessions}, as pure
 * functions: each store applies them atomically in its own way (a compare-and-set in Hazelcast).
 */
public final class HeldSessions {

  private HeldSessions() {}

  /**
   * The user's sessions with {@code sessionId} counted, or empty if the user holds {@code limit}
   * already (a session already counted is never refused).
   */
  public static Optional<UserSessions> claim(UserSessions held, String sessionId, int limit) {
    if (held.getSessionIdsList().contains(sessionId)) {
      return Optional.of(held);
    }
    if (held.getSessionIdsCount() >= limit) {
      return Optional.empty();
    }
    return Optional.of(held.toBuilder().addSessionIds(sessionId).build());
  }

  /** The user's sessions without {@code sessionId}. */
  public static UserSessions release(UserSessions held, String sessionId) {
    int at = held.getSessionIdsList().indexOf(sessionId);
    if (at < 0) {
      return held;
    }
    UserSessions.Builder rest = UserSessions.newBuilder();
    for (int i = 0; i < held.getSessionIdsCount(); i++) {
      if (i != at) {
        rest.addSessionIds(held.getSessionIds(i));
      }
    }
    return rest.build();
  }
}
