package dev.vxconnect.cluster;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Optional;

/**
 * Artifact bytes of each session by SHA-256, so that an instance taking a session over (or
 * rebuilding it after a restart) can give it the jars, classes and cached local data it received.
 * They belong to their session: a clone gets copies, and they go when their session is closed.
 */
public interface ArtifactStore {

  Future<Void> put(String userId, String sessionId, String sha256, byte[] bytes);

  Future<Optional<byte[]>> get(String userId, String sessionId, String sha256);

  /** Deletes the session's artifacts (those with these digests). */
  Future<Void> remove(String userId, String sessionId, Collection<String> sha256s);
}
