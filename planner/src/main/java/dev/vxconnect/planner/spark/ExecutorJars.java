package dev.vxconnect.planner.spark;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The vxconnect classes that run in executors (the Arrow batch encoding of results) live in this
 * module's jar. Executors of a cluster (the official Spark image on the workers) do not have it, so
 * the driver ships it to them through {@code spark.jars} whenever the master is not local.
 */
final class ExecutorJars {

  private ExecutorJars() {}

  /** {@code spark.jars} with this module's jar added, for this master; unchanged for local masters. */
  static String sparkJars(String master, String configured) {
    return with(master, configured, ownJar());
  }

  static String with(String master, String configured, Optional<Path> jar) {
    String current = configured == null ? "" : configured;
    if (master.startsWith("local") || jar.isEmpty()) {
      return current;
    }
    Set<String> jars =
        Arrays.stream(current.split(","))
            .map(String::trim)
            .filter(j -> !j.isEmpty())
            .collect(Collectors.toCollection(LinkedHashSet::new));
    jars.add(jar.get().toAbsolutePath().toString());
    return String.join(",", jars);
  }

  /** This module's jar; empty when its classes come from a directory (tests, IDE). */
  static Optional<Path> ownJar() {
    try {
      var source = ExecutorJars.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) && path.toString().endsWith(".jar")
          ? Optional.of(path)
          : Optional.empty();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
