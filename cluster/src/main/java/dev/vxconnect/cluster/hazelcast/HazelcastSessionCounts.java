package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.HeldSessions;
import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.proto.cluster.UserSessions;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sessions of each user in one IMap entry per user (UserSessions bytes), changed by
 * compare-and-set ({@code putIfAbsent} / {@code replace(key, old, new)}, compared as bytes by
 * Hazelcast), so that two instances creating sessions of one user at once cannot both take its
 * last place. Contention is per user only.
 */
final class HazelcastSessionCounts implements SessionCounts {

  /** Compare-and-set rounds before giving up: only a storm of one user's creations gets near. */
  private static final int MAX_ROUNDS = 1_000;

  private final IMap<String, byte[]> users;
  private final Blocking blocking;

  HazelcastSessionCounts(HazelcastInstance hazelcast, Blocking blocking) {
    this.users = hazelcast.getMap(HazelcastCluster.USER_SESSIONS);
    this.blocking = blocking;
  }

  @Override
  public Future<Claim> claim(String userId, String sessionId, int limit) {
    return blocking.call(
        () -> {
          UserSessions after = change(userId, held -> HeldSessions.claim(held, sessionId, limit));
          boolean granted = after.getSessionIdsList().contains(sessionId);
          return new Claim(granted, after.getSessionIdsCount());
        });
  }

  @Override
  public Future<Void> adopt(String userId, String sessionId) {
    return claim(userId, sessionId, Integer.MAX_VALUE).mapEmpty();
  }

  @Override
  public Future<Void> release(String userId, String sessionId) {
    return blocking.call(
        () -> {
          change(userId, held -> Optional.of(HeldSessions.release(held, sessionId)));
          return null;
        });
  }

  @Override
  public Future<Integer> held(String userId) {
    return blocking.call(() -> read(users.get(userId)).getSessionIdsCount());
  }

  /**
   * Applies {@code rule} atomically to the user's entry (empty: no change, refused).
   *
   * @return the user's sessions after the change, or as they stand if refused
   */
  private UserSessions change(String userId, Function<UserSessions, Optional<UserSessions>> rule)
      throws Exception {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      byte[] stored = users.get(userId);
      UserSessions held = read(stored);
      Optional<UserSessions> next = rule.apply(held);
      if (next.isEmpty() || next.get().equals(held)) {
        return held;
      }
      boolean written;
      if (stored == null) {
        written = users.putIfAbsent(userId, next.get().toByteArray()) == null;
      } else if (next.get().getSessionIdsCount() == 0) {
        written = users.remove(userId, stored);
      } else {
        written = users.replace(userId, stored, next.get().toByteArray());
      }
      if (written) {
        return next.get();
      }
    }
    throw new IllegalStateException(
        "The session count of user " + userId + " kept changing under " + MAX_ROUNDS + " tries");
  }

  private static UserSessions read(byte[] bytes) throws Exception {
    return bytes == null ? UserSessions.getDefaultInstance() : UserSessions.parseFrom(bytes);
  }
}
