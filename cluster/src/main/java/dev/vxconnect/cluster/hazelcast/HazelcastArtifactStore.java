package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;

/** Artifact bytes in an IMap by SHA-256 (same bytes, one copy), up to a size per artifact. */
final class HazelcastArtifactStore implements ArtifactStore {

  private final IMap<String, byte[]> artifacts;
  private final WorkerExecutor blocking;
  private final long maxBytes;

  HazelcastArtifactStore(HazelcastInstance hazelcast, WorkerExecutor blocking, long maxBytes) {
    this.artifacts = hazelcast.getMap(HazelcastCluster.ARTIFACTS);
    this.blocking = blocking;
    this.maxBytes = maxBytes;
  }

  @Override
  public Future<Void> put(String sha256, byte[] bytes) {
    if (bytes.length > maxBytes) {
      return Future.succeededFuture();
    }
    return blocking.executeBlocking(() -> {
      artifacts.set(sha256, bytes);
      return null;
    }, false);
  }

  @Override
  public Future<Optional<byte[]>> get(String sha256) {
    return blocking.executeBlocking(() -> Optional.ofNullable(artifacts.get(sha256)), false);
  }
}
