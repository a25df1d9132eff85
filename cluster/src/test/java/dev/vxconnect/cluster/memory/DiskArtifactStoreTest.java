package dev.vxconnect.cluster.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single instance's artifact bytes on disk: kept per session, read back, and deleted. */
class DiskArtifactStoreTest {

  private final Vertx vertx = Vertx.vertx();
  @TempDir Path root;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private DiskArtifactStore store() {
    return store("disk-artifacts", 1);
  }

  /** A store whose disk work runs on {@code threads} threads: more than one for the races. */
  private DiskArtifactStore store(String pool, int threads) {
    return new DiskArtifactStore(root, vertx.createSharedWorkerExecutor(pool, threads));
  }

  /** What is left under the store's root: the session directories it has not deleted. */
  private List<Path> directoriesLeft() throws Exception {
    try (var left = Files.list(root)) {
      return left.toList();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void bytesAreKeptPerSessionAndGoneOnceRemoved() throws Exception {
    DiskArtifactStore store = store();
    byte[] jar = "a jar".getBytes(StandardCharsets.UTF_8);
    String digest = sha256(jar);

    store.put("alice", "s1", digest, jar).await(10, TimeUnit.SECONDS);

    assertThat(store.get("alice", "s1", digest).await(10, TimeUnit.SECONDS)).contains(jar);
    assertThat(store.get("alice", "s2", digest).await(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(store.get("bob", "s1", digest).await(10, TimeUnit.SECONDS)).isEmpty();

    store.remove("alice", "s1", List.of(digest)).await(10, TimeUnit.SECONDS);

    assertThat(store.get("alice", "s1", digest).await(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(directoriesLeft())
        .as("the session's directory goes with its last artifact")
        .isEmpty();
  }

  /**
   * An upload racing its session's release (seen in the fuzz test: a valid AddArtifacts answered
   * INTERNAL with NoSuchFileException): one artifact put while the session's other, last one is
   * removed, which deletes the directory it empties.
   */
  @Test
  void aPutRacingTheRemovalOfTheSessionsLastArtifactKeepsItsBytes() throws Exception {
    DiskArtifactStore store = store("racing-artifacts", 4);
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);
    String firstDigest = sha256(first);
    String secondDigest = sha256(second);
    for (int round = 0; round < 1_000; round++) {
      store.put("alice", "s1", firstDigest, first).await(10, TimeUnit.SECONDS);

      var put = store.put("alice", "s1", secondDigest, second);
      var remove = store.remove("alice", "s1", List.of(firstDigest));
      put.await(10, TimeUnit.SECONDS);
      remove.await(10, TimeUnit.SECONDS);

      assertThat(store.get("alice", "s1", secondDigest).await(10, TimeUnit.SECONDS))
          .as("round %d", round)
          .contains(second);
      store.remove("alice", "s1", List.of(secondDigest)).await(10, TimeUnit.SECONDS);
    }
    assertThat(directoriesLeft()).as("directories left").isEmpty();
  }

  @Test
  void theSameArtifactPutAtOnceByManyUploadsIsKeptOnce() throws Exception {
    // Replacing an existing file by copy-style move (stat, unlink, rename) lost the race to
    // another put's unlink: NoSuchFileException on the kept file itself.
    DiskArtifactStore store = store("same-artifact", 4);
    byte[] bytes = "same".getBytes(StandardCharsets.UTF_8);
    String digest = sha256(bytes);
    for (int round = 0; round < 1_000; round++) {
      List<Future<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        puts.add(store.put("alice", "s2", digest, bytes));
      }
      for (Future<Void> put : puts) {
        put.await(10, TimeUnit.SECONDS);
      }
      assertThat(store.get("alice", "s2", digest).await(10, TimeUnit.SECONDS))
          .as("round %d", round)
          .contains(bytes);
    }
    store.remove("alice", "s2", List.of(digest)).await(10, TimeUnit.SECONDS);
    assertThat(directoriesLeft()).as("directories left").isEmpty();
  }

  @Test
  void namesChosenByClientsNeverBecomePaths() throws Exception {
    DiskArtifactStore store = store();
    byte[] bytes = {1, 2, 3};

    store.put("../../etc", "../passwd", sha256(bytes), bytes).await(10, TimeUnit.SECONDS);

    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile))
          .singleElement()
          .satisfies(file -> assertThat(file.getParent().getParent()).isEqualTo(root));
    }
    Throwable refused =
        catchThrowable(() -> store.put("u", "s", "../x", bytes).await(10, TimeUnit.SECONDS));
    assertThat(refused).hasMessageContaining("not a SHA-256 digest");
  }
}
