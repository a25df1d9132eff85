package dev.vxconnect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages import one way: each may use only the packages of the layers below it.
 * Wiring at the top, the RPC handlers under it, then how operations run, sessions, forwarding,
 * buffers, and at the bottom the types every layer shares.
 */
class PackageLayersTest {

  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "vxconnect", "server");

  /** Top first; "" is the root package (Main, VxconnectServer: the wiring). */
  private static final List<Set<String>> LAYERS =
      List.of(
          Set.of(""),
          Set.of("admin"),
          Set.of("rpc"),
          Set.of("execution"),
          Set.of("session"),
          Set.of("routing"),
          Set.of("buffer"),
          Set.of("artifact", "auth", "intercept"),
          Set.of("call"),
          Set.of("config"));

  private static final Pattern REFERENCE =
      Pattern.compile("\\bdev\\.vxconnect\\.server\\.(?:([a-z]+)\\.)?[A-Z]");

  @Test
  void everyPackageHasALayer() throws IOException {
    Set<String> known = new TreeSet<>();
    LAYERS.forEach(known::addAll);
    assertThat(packages()).as("add a new package to LAYERS, below what it uses").isSubsetOf(known);
  }

  @Test
  void noPackageImportsAHigherOneOrItsPeer() throws IOException {
    List<String> upward = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String from = packageOf(file);
        Matcher reference = REFERENCE.matcher(Files.readString(file));
        while (reference.find()) {
          String to = reference.group(1) == null ? "" : reference.group(1);
          if (!to.equals(from) && layer(to) <= layer(from)) {
            upward.add(
                SOURCES.relativize(file) + " uses " + (to.isEmpty() ? "the root package" : to));
          }
        }
      }
    }
    assertThat(upward)
        .as("imports that run up (or sideways) between the server's packages")
        .isEmpty();
  }

  private static int layer(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    throw new AssertionError("package " + pkg + " has no layer");
  }

  private static String packageOf(Path file) {
    Path dir = SOURCES.relativize(file).getParent();
    return dir == null ? "" : dir.toString();
  }

  private static Set<String> packages() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(PackageLayersTest::packageOf)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
