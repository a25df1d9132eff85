package dev.vxconnect.e2e.security;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Whether artifact names that try to leave their directory made the server write anywhere else,
 * checked on disk. Every directory the server writes session files to (the artifact staging
 * directory, Spark's local directory, the JVM's temporary directory, where Spark keeps its own
 * artifact directories) is put four levels down a directory tree of the test's own: a name that
 * climbs out of them (at most three levels in the corpus) lands in the tree outside them, where it
 * is found. Names aimed at absolute places (/etc/passwd, forward_to_fs/tmp/..., the home
 * directory) and relative to the server's working directory are checked there, before and after.
 */
final class FileSystemWatch {

  private final Path root;
  private final Path allowed;
  private final Path workingDirectory;
  private final Map<Path, Long> outsideBefore = new LinkedHashMap<>();

  FileSystemWatch(String[] names) throws IOException {
    root =
        Files.createDirectories(
            ServerProcess.targetDirectory().resolve("fuzz-files-" + UUID.randomUUID()));
    allowed = Files.createDirectories(root.resolve("a/b/c/d"));
    for (String dir : List.of("staging", "local", "tmp")) {
      Files.createDirectories(allowed.resolve(dir));
    }
    workingDirectory = ServerProcess.logDirectory();
    for (String name : names) {
      for (Path target : outsideTargets(name)) {
        outsideBefore.put(target, stamp(target));
      }
    }
  }

  /** The settings that put the server's session directories in the watched tree. */
  List<String> serverConfs() {
    return List.of(
        "vxconnect.artifacts.stagingDir=" + allowed.resolve("staging"),
        "spark.local.dir=" + allowed.resolve("local"));
  }

  /** The JVM option that puts the server's temporary directory in the watched tree. */
  String javaOptions() {
    return "-Djava.io.tmpdir=" + allowed.resolve("tmp");
  }

  /** Files and directories written where no session file belongs; empty when none. */
  List<String> strayFiles() throws IOException {
    List<String> stray = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : all.toList()) {
        boolean inside =
            path.startsWith(allowed.resolve("staging"))
                || path.startsWith(allowed.resolve("local"))
                || path.startsWith(allowed.resolve("tmp"))
                || allowed.startsWith(path);
        if (!inside) {
          stray.add(path.toString());
        }
      }
    }
    for (Map.Entry<Path, Long> before : outsideBefore.entrySet()) {
      long now = stamp(before.getKey());
      if (now != before.getValue()) {
        stray.add(before.getKey() + " (changed)");
      }
    }
    return stray;
  }

  /** Where a name could point outside the tree: as an absolute path, from home, from the cwd. */
  private List<Path> outsideTargets(String name) {
    List<Path> targets = new ArrayList<>();
    try {
      String path =
          name.startsWith("forward_to_fs") ? name.substring("forward_to_fs".length()) : name;
      if (path.startsWith("/")) {
        targets.add(Path.of(path).normalize());
      }
      int home = path.indexOf("~/");
      if (home >= 0) {
        targets.add(Path.of(System.getProperty("user.home")).resolve(path.substring(home + 2)));
      }
      Path fromCwd = workingDirectory.resolve(path).normalize();
      // Not the working directory or its parents: their times change with every log line.
      if (!path.startsWith("/") && !workingDirectory.startsWith(fromCwd)) {
        targets.add(fromCwd);
      }
    } catch (InvalidPathException notAPath) {
      // e.g. a NUL in the name: no file system can hold it
    }
    return targets;
  }

  /** When the file was last changed, -1 if there is none. */
  private static long stamp(Path path) {
    try {
      return Files.exists(path) ? Files.getLastModifiedTime(path).toMillis() : -1;
    } catch (IOException e) {
      return -2;
    }
  }
}
