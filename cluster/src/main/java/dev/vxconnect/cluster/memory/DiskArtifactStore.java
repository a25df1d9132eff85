package dev.vxconnect.cluster.memory;

import dev.vxconnect.cluster.ArtifactStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A single instance's artifact bytes on its local disk, so that a hibernated session (whose Spark
 * side, with its copies of the artifacts, is gone) gets them back when it wakes, without its jars
 * costing heap meanwhile. One directory per session, named by a digest of its user and session ids
 * (never by the ids themselves: a client chooses them); one file per artifact, named by its SHA-256.
 * File I/O runs on the given workers, never on an event loop.
 *
 * <p>A session's directory is made by the put that needs it and deleted by the remove that empties
 * it, and a put and a remove of one session can run at once (an upload racing its session's
 * release): making the directory with a file in it, and deleting it when empty, hold the session's
 * lock, so a put never writes into a directory deleted under it, nor a remove deletes one a put
 * is writing into.
 */
public final class DiskArtifactStore implements ArtifactStore {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private static final int LOCK_STRIPES = 64;

  private final Path root;
  private final WorkerExecutor workers;
  private final Object[] directoryLocks = new Object[LOCK_STRIPES];

  public DiskArtifactStore(Path root, WorkerExecutor workers) {
    this.root = root;
    this.workers = workers;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      directoryLocks[i] = new Object();
    }
  }

  @Override
  public Future<Void> put(String userId, String sessionId, String sha256, byte[] bytes) {
    return workers.executeBlocking(
        () -> {
          Path file = file(userId, sessionId, sha256);
          // Written aside and moved: a reader never sees half a file. Once the partial file
          // exists the directory is not empty, so no remove deletes it.
          Path partial = file.resolveSibling(sha256 + "." + UUID.randomUUID() + ".partial");
          synchronized (lockOf(file.getParent())) {
            Files.createDirectories(file.getParent());
            Files.createFile(partial);
          }
          Files.write(partial, bytes);
          // One rename(2), which replaces the file atomically: REPLACE_EXISTING alone stats,
          // unlinks and renames, and two puts of one artifact could unlink the same file.
          Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
          return null;
        },
        false);
  }

  @Override
  public Future<Optional<byte[]>> get(String userId, String sessionId, String sha256) {
    return workers.executeBlocking(
        () -> {
          try {
            return Optional.of(Files.readAllBytes(file(userId, sessionId, sha256)));
          } catch (NoSuchFileException e) {
            return Optional.empty();
          }
        },
        false);
  }

  @Override
  public Future<Void> remove(String userId, String sessionId, Collection<String> sha256s) {
    return workers.executeBlocking(
        () -> {
          for (String sha256 : sha256s) {
            Files.deleteIfExists(file(userId, sessionId, sha256));
          }
          Path dir = sessionDir(userId, sessionId);
          synchronized (lockOf(dir)) {
            try (var left = Files.list(dir)) {
              if (left.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
              }
            } catch (NoSuchFileException e) {
              // nothing was kept for it
            }
          }
          return null;
        },
        false);
  }

  private Path file(String userId, String sessionId, String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 digest: " + sha256);
    }
    return sessionDir(userId, sessionId).resolve(sha256);
  }

  private Path sessionDir(String userId, String sessionId) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(userId.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(sessionId.getBytes(StandardCharsets.UTF_8));
      return root.resolve(HexFormat.of().formatHex(digest.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object lockOf(Path sessionDir) {
    return directoryLocks[Math.floorMod(sessionDir.getFileName().hashCode(), LOCK_STRIPES)];
  }

  /** Makes sure the root exists (at start, before any session can use it). */
  public static Path prepare(Path root) {
    try {
      return Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the artifact directory " + root, e);
    }
  }
}
