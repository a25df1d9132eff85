package dev.vxconnect.cluster.memory;

import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The session store of a single instance: maps in this JVM, answered at once. */
public final class InMemorySessionStore implements SessionStore {

  private record Key(String userId, String sessionId) {}

  private final Map<Key, SessionRecord> live = new ConcurrentHashMap<>();
  private final Map<Key, Long> closed;

  /** @param tombstones how many closed ids to remember */
  public InMemorySessionStore(int tombstones) {
    if (tombstones < 0) {
      throw new IllegalArgumentException("tombstones must be >= 0");
    }
    this.closed =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > tombstones;
          }
        };
  }

  @Override
  public Future<Optional<SessionRecord>> get(String userId, String sessionId) {
    return Future.succeededFuture(Optional.ofNullable(live.get(new Key(userId, sessionId))));
  }

  @Override
  public Future<SessionRecord> create(SessionRecord record) {
    Key key = new Key(record.getUserId(), record.getSessionId());
    return Future.succeededFuture(live.merge(key, record, (existing, fresh) -> existing));
  }

  @Override
  public Future<Void> update(SessionRecord record) {
    live.computeIfPresent(new Key(record.getUserId(), record.getSessionId()), (k, old) -> record);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> replace(SessionRecord expected, SessionRecord next) {
    return Future.succeededFuture(
        live.replace(new Key(expected.getUserId(), expected.getSessionId()), expected, next));
  }

  @Override
  public Future<Void> close(String userId, String sessionId, boolean allowReconnect) {
    Key key = new Key(userId, sessionId);
    if (!allowReconnect) {
      synchronized (closed) {
        closed.put(key, System.currentTimeMillis());
      }
    }
    live.remove(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> isClosed(String userId, String sessionId) {
    synchronized (closed) {
      return Future.succeededFuture(closed.containsKey(new Key(userId, sessionId)));
    }
  }

  @Override
  public Future<Boolean> expire(SessionRecord expected) {
    Key key = new Key(expected.getUserId(), expected.getSessionId());
    if (!live.remove(key, expected)) {
      return Future.succeededFuture(false);
    }
    synchronized (closed) {
      closed.put(key, System.currentTimeMillis());
    }
    return Future.succeededFuture(true);
  }

  @Override
  public Future<List<SessionRecord>> local() {
    return Future.succeededFuture(List.copyOf(live.values()));
  }

  @Override
  public Future<Integer> tombstoneCount() {
    synchronized (closed) {
      return Future.succeededFuture(closed.size());
    }
  }

  /** The (user, session) of every live record. */
  public List<List<String>> keys() {
    return live.keySet().stream().map(k -> List.of(k.userId(), k.sessionId())).toList();
  }
}
