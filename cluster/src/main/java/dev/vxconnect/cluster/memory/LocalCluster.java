package dev.vxconnect.cluster.memory;

import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.ClusterRecords;
import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.cluster.SessionStore;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A single instance: an in-memory store, nobody else to reach; artifacts kept by the session only,
 * or also on local disk where sessions hibernate ({@link DiskArtifactStore}).
 */
public final class LocalCluster implements Cluster {

  private final InMemorySessionStore sessions;
  private final InMemorySessionCounts sessionCounts = new InMemorySessionCounts();
  private final String self;
  private final int tombstones;
  private final ArtifactStore artifacts;

  public LocalCluster(String self, int tombstones) {
    this(self, tombstones, NO_ARTIFACTS);
  }

  /** @param artifacts where artifact bytes are kept for sessions rebuilt here */
  public LocalCluster(String self, int tombstones, ArtifactStore artifacts) {
    this.self = self;
    this.tombstones = tombstones;
    this.sessions = new InMemorySessionStore(tombstones);
    this.artifacts = artifacts;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public SessionCounts sessionCounts() {
    return sessionCounts;
  }

  @Override
  public Future<ClusterRecords> records(int max) {
    List<List<String>> keys = sessions.keys();
    return sessions
        .tombstoneCount()
        .map(
            closed ->
                new ClusterRecords(
                    keys.subList(0, Math.min(max, keys.size())),
                    keys.size(),
                    List.of(),
                    0,
                    closed,
                    tombstones,
                    sessionCounts.snapshot()));
  }

  @Override
  public ArtifactStore artifacts() {
    return artifacts;
  }

  @Override
  public OperationRegistry operations() {
    return new UnsharedOperationRegistry();
  }

  @Override
  public Membership membership() {
    return new Membership() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public Optional<String> address(String instanceId) {
        return instanceId.equals(self) ? Optional.of("local") : Optional.empty();
      }

      @Override
      public List<String> instances() {
        return List.of(self);
      }

      @Override
      public Optional<String> adminAddress(String instanceId) {
        // Only this instance: its listing never asks anyone else.
        return Optional.empty();
      }
    };
  }

  @Override
  public boolean isDistributed() {
    return false;
  }

  @Override
  public void close() {}

  /** Nobody else can take a session over: without hibernation, artifact bytes need no copy. */
  private static final ArtifactStore NO_ARTIFACTS =
      new ArtifactStore() {
        @Override
        public Future<Void> put(String userId, String sessionId, String sha256, byte[] bytes) {
          return Future.succeededFuture();
        }

        @Override
        public Future<Optional<byte[]>> get(String userId, String sessionId, String sha256) {
          return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Void> remove(String userId, String sessionId, Collection<String> sha256s) {
          return Future.succeededFuture();
        }
      };
}
