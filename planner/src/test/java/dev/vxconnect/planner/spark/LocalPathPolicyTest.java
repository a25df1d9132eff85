package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a path really is: what the policy compares with the allowed directories. */
class LocalPathPolicyTest {

  @TempDir Path temp;

  @Test
  void linksAndDotsAreResolvedEvenBelowPathsThatDoNotExistYet() throws Exception {
    Path allowed = Files.createDirectories(temp.resolve("allowed")).toRealPath();
    Path outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
    Path link = Files.createSymbolicLink(allowed.resolve("escape"), outside);

    assertThat(LocalPathPolicy.real(allowed.resolve("new/dir/file.parquet")))
        .isEqualTo(allowed.resolve("new/dir/file.parquet"));
    assertThat(LocalPathPolicy.real(link.resolve("secret.txt")))
        .isEqualTo(outside.resolve("secret.txt"))
        .matches(p -> !p.startsWith(allowed));
    assertThat(LocalPathPolicy.real(allowed.resolve("../outside/x")))
        .isEqualTo(outside.resolve("x"));
    assertThat(LocalPathPolicy.real(Path.of("relative"))).isAbsolute();
  }
}
