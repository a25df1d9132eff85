package dev.vxconnect.cluster.memory;

import dev.vxconnect.cluster.HeldSessions;
import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.proto.cluster.UserSessions;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The sessions per user of a single instance: one map in this JVM, answered at once. */
public final class InMemorySessionCounts implements SessionCounts {

  private final Map<String, UserSessions> users = new HashMap<>();

  @Override
  public synchronized Future<Claim> claim(String userId, String sessionId, int limit) {
    UserSessions held = users.getOrDefault(userId, UserSessions.getDefaultInstance());
    Optional<UserSessions> next = HeldSessions.claim(held, sessionId, limit);
    next.ifPresent(n -> users.put(userId, n));
    return Future.succeededFuture(
        new Claim(next.isPresent(), next.orElse(held).getSessionIdsCount()));
  }

  @Override
  public synchronized Future<Void> adopt(String userId, String sessionId) {
    return claim(userId, sessionId, Integer.MAX_VALUE).mapEmpty();
  }

  @Override
  public synchronized Future<Void> release(String userId, String sessionId) {
    UserSessions held = users.get(userId);
    if (held != null) {
      UserSessions rest = HeldSessions.release(held, sessionId);
      if (rest.getSessionIdsCount() == 0) {
        users.remove(userId);
      } else {
        users.put(userId, rest);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Integer> held(String userId) {
    UserSessions held = users.get(userId);
    return Future.succeededFuture(held == null ? 0 : held.getSessionIdsCount());
  }

  /** The sessions counted for each user now. */
  public synchronized Map<String, Integer> snapshot() {
    Map<String, Integer> counts = new TreeMap<>();
    users.forEach((user, held) -> counts.put(user, held.getSessionIdsCount()));
    return counts;
  }
}
