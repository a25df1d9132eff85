package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.SessionTombstone;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Session records in an IMap as cluster.proto bytes (never Java serialization), tombstones in a
 * bounded IMap (as SessionTombstone bytes). Every call runs on a worker: Hazelcast's calls block.
 */
final class HazelcastSessionStore implements SessionStore {

  private final IMap<String, byte[]> sessions;
  private final IMap<String, byte[]> closed;
  private final Blocking blocking;
  private final boolean tombstones;

  /** @param tombstones whether closed ids are remembered at all (a bound of 0: never) */
  HazelcastSessionStore(HazelcastInstance hazelcast, Blocking blocking, boolean tombstones) {
    this.sessions = hazelcast.getMap(HazelcastCluster.SESSIONS);
    this.closed = hazelcast.getMap(HazelcastCluster.CLOSED);
    this.blocking = blocking;
    this.tombstones = tombstones;
  }

  static String key(String userId, String sessionId) {
    // A separator no UUID contains, so (user, session) pairs cannot collide.
    return userId + "\u0000" + sessionId;
  }

  private static String key(SessionRecord record) {
    return key(record.getUserId(), record.getSessionId());
  }

  private <T> Future<T> call(Callable<T> work) {
    return blocking.call(work);
  }

  @Override
  public Future<Optional<SessionRecord>> get(String userId, String sessionId) {
    return call(
        () -> {
          byte[] bytes = sessions.get(key(userId, sessionId));
          return bytes == null ? Optional.empty() : Optional.of(SessionRecord.parseFrom(bytes));
        });
  }

  @Override
  public Future<SessionRecord> create(SessionRecord record) {
    return call(
        () -> {
          byte[] existing = sessions.putIfAbsent(key(record), record.toByteArray());
          return existing == null ? record : SessionRecord.parseFrom(existing);
        });
  }

  @Override
  public Future<Void> update(SessionRecord record) {
    return call(
        () -> {
          sessions.replace(key(record), record.toByteArray());
          return null;
        });
  }

  @Override
  public Future<Boolean> replace(SessionRecord expected, SessionRecord next) {
    return call(
        () -> {
          // Compared as bytes by Hazelcast: the replace happens only if nobody changed the record.
          byte[] stored = sessions.get(key(expected));
          if (stored == null || !Arrays.equals(stored, expected.toByteArray())) {
            return false;
          }
          return sessions.replace(key(expected), stored, next.toByteArray());
        });
  }

  @Override
  public Future<Void> close(String userId, String sessionId, boolean allowReconnect) {
    return call(
        () -> {
          if (!allowReconnect) {
            tombstone(userId, sessionId);
          }
          sessions.delete(key(userId, sessionId));
          return null;
        });
  }

  private void tombstone(String userId, String sessionId) {
    if (!tombstones) {
      return;
    }
    closed.set(
        key(userId, sessionId),
        SessionTombstone.newBuilder()
            .setUserId(userId)
            .setSessionId(sessionId)
            .setClosedAtMs(System.currentTimeMillis())
            .build()
            .toByteArray());
  }

  @Override
  public Future<Boolean> expire(SessionRecord expected) {
    return call(
        () -> {
          // Tombstoned first: between the two steps the id reads as closed, never as free.
          String key = key(expected);
          byte[] stored = sessions.get(key);
          if (stored == null || !Arrays.equals(stored, expected.toByteArray())) {
            return false;
          }
          tombstone(expected.getUserId(), expected.getSessionId());
          boolean removed = sessions.remove(key, stored);
          if (!removed && tombstones) {
            closed.delete(key); // taken over meanwhile: it lives on
          }
          return removed;
        });
  }

  @Override
  public Future<List<SessionRecord>> local() {
    return call(
        () -> {
          List<SessionRecord> records = new ArrayList<>();
          for (byte[] bytes : sessions.getAll(sessions.localKeySet()).values()) {
            records.add(SessionRecord.parseFrom(bytes));
          }
          return records;
        });
  }

  @Override
  public Future<Integer> tombstoneCount() {
    return call(closed::size);
  }

  @Override
  public Future<Boolean> isClosed(String userId, String sessionId) {
    return call(() -> closed.containsKey(key(userId, sessionId)));
  }
}
