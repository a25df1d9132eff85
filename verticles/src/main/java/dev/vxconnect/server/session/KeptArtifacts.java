package dev.vxconnect.server.session;

import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import io.vertx.core.Future;
import java.util.List;

/**
 * The bytes of sessions' artifacts kept outside their Spark side, so that a session rebuilt from
 * its record (taken over, or woken from hibernation) gets its artifacts back: in a cluster, in its
 * artifact store up to {@code vxconnect.cluster.maxReplicatedArtifactBytes} each; on a single
 * instance whose sessions hibernate, all of them, on its local disk. Nothing is kept otherwise.
 * The bytes belong to their session alone: a clone gets copies, and they go with the session.
 */
final class KeptArtifacts {

  private final ArtifactStore store;
  private final boolean keeps;
  private final boolean bounded;
  private final long maxBytes;

  /**
   * @param keeps whether sessions are rebuilt from their records here at all
   * @param bounded whether the store is the cluster's, where {@code maxBytes} applies
   */
  KeptArtifacts(ArtifactStore store, boolean keeps, boolean bounded, long maxBytes) {
    this.store = store;
    this.keeps = keeps;
    this.bounded = bounded;
    this.maxBytes = maxBytes;
  }

  /** Whether an artifact of this size is kept (so its bytes should be read for {@link #put}). */
  boolean keeps(long size) {
    return keeps && (!bounded || size <= maxBytes);
  }

  /** Keeps one artifact's bytes for the session; at once if nothing is kept here. */
  Future<Void> put(Session session, String sha256, byte[] bytes) {
    return keeps
        ? store.put(session.userId(), session.sessionId(), sha256, bytes)
        : Future.succeededFuture();
  }

  /** Deletes the bytes kept for a session that is gone; gives the digests it deleted. */
  Future<List<String>> drop(SessionRecord record) {
    List<String> digests = digests(record);
    return drop(record.getUserId(), record.getSessionId(), digests).map(digests);
  }

  /** Deletes the bytes kept for a session that is gone, but for these, deleted already. */
  Future<Void> dropOthers(SessionRecord record, List<String> deleted) {
    List<String> others = digests(record).stream().filter(d -> !deleted.contains(d)).toList();
    return drop(record.getUserId(), record.getSessionId(), others);
  }

  /** Deletes these of a session's kept bytes. */
  Future<Void> drop(String userId, String sessionId, List<String> digests) {
    return !keeps || digests.isEmpty()
        ? Future.succeededFuture()
        : store.remove(userId, sessionId, digests);
  }

  /**
   * Gives a clone its own copies of the source's kept bytes (its record replays the source's
   * changes, and a session's artifacts go with it when it is closed).
   */
  Future<Void> copy(Session source, SessionKey clone) {
    if (!keeps) {
      return Future.succeededFuture();
    }
    List<Future<Void>> copies =
        digests(source.record()).stream()
            .map(
                digest ->
                    store
                        .get(source.userId(), source.sessionId(), digest)
                        .compose(
                            bytes ->
                                bytes.isEmpty()
                                    ? Future.<Void>succeededFuture()
                                    : store.put(
                                        clone.userId(), clone.sessionId(), digest, bytes.get())))
            .toList();
    return Future.all(copies).mapEmpty();
  }

  private static List<String> digests(SessionRecord record) {
    return record.getChangesList().stream()
        .filter(c -> c.getKind() == StateChange.Kind.ARTIFACT)
        .map(StateChange::getArtifactSha256)
        .distinct()
        .toList();
  }
}
