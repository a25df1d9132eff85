package dev.vxconnect.e2e.support.coverage;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What each scenario of the server run sent: one file per scenario,
 * {@code <TestClass.method>.txt}, one covered case per line ({@code "rpc ExecutePlan"},
 * {@code "relation sql"}...), under e2e/target/coverage/RUN/, RUN naming the test JVM (the server
 * run's parallel forks and its serial timing run, see ServerProcess.logDirectory()). The first
 * record of a JVM empties its own directory, so that a renamed or deleted scenario leaves nothing
 * behind; a file is rewritten whenever its scenario covers something new. Reading merges every
 * JVM's directory.
 */
public final class CoverageRecorder {

  private static final String SUFFIX = ".txt";
  private static final Map<String, Set<String>> covered = new HashMap<>();
  private static boolean started;

  private CoverageRecorder() {}

  public static Path directory() {
    return ServerProcess.targetDirectory().resolve("coverage");
  }

  /** Credits {@code scenario} with these covered cases. */
  public static synchronized void record(String scenario, Collection<String> cases) {
    Set<String> mine = covered.computeIfAbsent(scenario, s -> new TreeSet<>());
    if (mine.addAll(cases)) {
      try {
        if (!started) {
          emptyDirectory();
          started = true;
        }
        Files.write(runDirectory().resolve(scenario + SUFFIX), mine, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Every recorded scenario with the cases it covered, as the files under {@code dir} and its
   * runs' subdirectories say.
   */
  public static Map<String, Set<String>> read(Path dir) throws IOException {
    Map<String, Set<String>> scenarios = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return scenarios;
    }
    try (Stream<Path> files = Files.walk(dir, 2)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
        String name = file.getFileName().toString();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        scenarios
            .computeIfAbsent(
                name.substring(0, name.length() - SUFFIX.length()), n -> new TreeSet<>())
            .addAll(lines);
      }
    }
    return scenarios;
  }

  /** This JVM's own directory of records. */
  private static Path runDirectory() {
    return directory().resolve(System.getProperty(ServerProcess.RUN_PROPERTY, "main"));
  }

  private static void emptyDirectory() throws IOException {
    Path dir = Files.createDirectories(runDirectory());
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
        Files.delete(file);
      }
    }
  }
}
