package dev.vxconnect.server.session;

import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a session on a new owner by replaying its recorded changes, in order, through the same
 * planner: confs, state-changing commands (temp views, functions, variables...), the catalog state
 * (current catalog and namespace, dropped views, cached tables: see CatalogStateRecords; caches
 * come back lazily), artifacts. A
 * change that cannot be replayed here (e.g. a view over a table this instance cannot see) is
 * logged and skipped: the rest of the session still comes back.
 */
final class SessionRebuilder {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRebuilder.class);

  private final ArtifactStore artifacts;

  SessionRebuilder(ArtifactStore artifacts) {
    this.artifacts = artifacts;
  }

  /** The bytes of the record's artifacts, by SHA-256 (those the store still has). */
  Future<Map<String, byte[]>> fetchArtifacts(SessionRecord record) {
    List<String> digests =
        record.getChangesList().stream()
            .filter(c -> c.getKind() == StateChange.Kind.ARTIFACT)
            .map(StateChange::getArtifactSha256)
            .distinct()
            .toList();
    List<Future<Optional<byte[]>>> fetches =
        digests.stream()
            .map(digest -> artifacts.get(record.getUserId(), record.getSessionId(), digest))
            .toList();
    return Future.all(fetches)
        .map(
            all -> {
              Map<String, byte[]> bytes = new HashMap<>();
              for (int i = 0; i < digests.size(); i++) {
                String digest = digests.get(i);
                fetches.get(i).result().ifPresent(b -> bytes.put(digest, b));
              }
              return bytes;
            });
  }

  /** Replays the record's changes into a fresh session. Blocks: call it on a worker. */
  void replay(SessionRecord record, Map<String, byte[]> artifactBytes, SessionContext context)
      throws Exception {
    SessionKey key = new SessionKey(record.getUserId(), record.getSessionId());
    Path staging = Files.createTempDirectory("vxconnect-rebuild-");
    try {
      for (StateChange change : record.getChangesList()) {
        try {
          switch (change.getKind()) {
            case CONFIG ->
                context.config(
                    ConfigRequest.parseFrom(change.getRequest().toByteArray()).getOperation());
            case EXECUTE_PLAN -> {
              context.replay(ExecutePlanRequest.parseFrom(change.getRequest().toByteArray()));
              if (change.getUncached()) {
                context.uncache(change.getCached()); // CACHE TABLE v AS SELECT, uncached since
              }
            }
            case CURRENT_NAMESPACE ->
                context.setCurrentNamespace(change.getCatalog(), change.getNamespaceList());
            case ARTIFACT -> addArtifact(change, artifactBytes, staging, context);
            default ->
                LogIds.of(LOG.atWarn(), key)
                    .log(
                        "Unknown change {} in the record of session {}",
                        change.getKind(),
                        record.getSessionId());
          }
        } catch (Exception e) {
          LogIds.of(LOG.atWarn(), key)
              .log(
                  "Session {}: could not replay a {} change: {}",
                  record.getSessionId(),
                  change.getKind(),
                  e.toString());
        }
      }
    } finally {
      try (var files = Files.walk(staging)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void addArtifact(
      StateChange change, Map<String, byte[]> artifactBytes, Path staging, SessionContext context)
      throws Exception {
    byte[] bytes = artifactBytes.get(change.getArtifactSha256());
    if (bytes == null) {
      throw new IllegalStateException(
          "the bytes of artifact "
              + change.getArtifactName()
              + " were not kept (larger than vxconnect.cluster.maxReplicatedArtifactBytes)");
    }
    Path file = staging.resolve(change.getArtifactSha256());
    Files.write(file, bytes);
    context.addArtifact(change.getArtifactName(), file);
  }
}
