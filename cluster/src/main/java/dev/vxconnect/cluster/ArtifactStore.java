package dev.vxconnect.cluster;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Artifact bytes by SHA-256, so that an instance taking a session over can give it the jars,
 * classes and cached local data its first owner received.
 */
public interface ArtifactStore {

  Future<Void> put(String sha256, byte[] bytes);

  Future<Optional<byte[]>> get(String sha256);
}
