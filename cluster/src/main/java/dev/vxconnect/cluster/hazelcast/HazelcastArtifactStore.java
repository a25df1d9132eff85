package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.ArtifactStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Optional;

/**
 * Artifact bytes in an IMap keyed by (user, session, SHA-256), up to a size per artifact. Keyed
 * by session rather than by digest alone, so that closing a session deletes exactly its own.
 */
final class HazelcastArtifactStore implements ArtifactStore {

  private final IMap<String, byte[]> artifacts;
  private final Blocking blocking;
  private final long maxBytes;

  HazelcastArtifactStore(HazelcastInstance hazelcast, Blocking blocking, long maxBytes) {
    this.artifacts = hazelcast.getMap(HazelcastCluster.ARTIFACTS);
    this.blocking = blocking;
    this.maxBytes = maxBytes;
  }

  private static String key(String userId, String sessionId, String sha256) {
    return HazelcastSessionStore.key(userId, sessionId) + "\u0000" + sha256;
  }

  @Override
  public Future<Void> put(String userId, String sessionId, String sha256, byte[] bytes) {
    if (bytes.length > maxBytes) {
      return Future.succeededFuture();
    }
    return blocking.call(
        () -> {
          artifacts.set(key(userId, sessionId, sha256), bytes);
          return null;
        });
  }

  @Override
  public Future<Optional<byte[]>> get(String userId, String sessionId, String sha256) {
    return blocking.call(() -> Optional.ofNullable(artifacts.get(key(userId, sessionId, sha256))));
  }

  @Override
  public Future<Void> remove(String userId, String sessionId, Collection<String> sha256s) {
    return blocking.call(
        () -> {
          for (String sha256 : sha256s) {
            artifacts.delete(key(userId, sessionId, sha256));
          }
          return null;
        });
  }
}
