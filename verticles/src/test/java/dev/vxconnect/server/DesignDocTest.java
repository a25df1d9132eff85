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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md is the map of the code: every class and file it names in backticks must exist,
 * so that the map cannot drift from the code unnoticed.
 */
class DesignDocTest {

  private static final Path ROOT = Path.of("..");
  private static final Path DESIGN = ROOT.resolve("docs/design.md");

  /** Names the design borrows from Spark and the JDK: they are not ours to find here. */
  private static final Set<String> ELSEWHERE =
      Set.of(
          "ConfigBuilder",
          "ArrowConverters",
          "ArrowWriter",
          "ByteArrayOutputStream",
          "LocalTableScanExec",
          "SparkSQLException",
          "SparkSessionExtensions",
          "SessionHolder",
          "JavaUtils",
          "SparkConnectPlanner",
          "ErrorInfo",
          "RetryInfo",
          "SparkConnectService",
          "LatestUpdateMergePolicy",
          "ServerInterceptor",
          "SparkConnectServerListener",
          "SparkConnectServerTab",
          "SparkConnectServerHistoryServerPlugin");

  private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");

  /** A class: CamelCase with at least two words, maybe after package names and before a member. */
  private static final Pattern CLASS =
      Pattern.compile(
          "(?:[a-z]+\\.)*([A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)(?:\\.[A-Za-z_]\\w*)*(?:\\(\\))?");

  /** A file of the repository: a path with a slash or a known ending. */
  private static final Pattern FILE =
      Pattern.compile(
          "[\\w.-]+(?:/[\\w.-]+)+/?|[\\w-]+\\.(?:md|conf|yaml|yml|properties|proto|cfg)");

  private static final Pattern DECLARATION =
      Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z][A-Za-z0-9]*)");

  @Test
  void everyClassItNamesExists() throws IOException {
    Set<String> declared = declaredTypes();
    List<String> missing = new ArrayList<>();
    for (String name : backticked()) {
      Matcher type = CLASS.matcher(name);
      if (type.matches()
          && !ELSEWHERE.contains(type.group(1))
          && !declared.contains(type.group(1))) {
        missing.add(name);
      }
    }
    assertThat(missing).as("classes docs/design.md names that the code does not declare").isEmpty();
  }

  /** A path is looked up from the repository's root; a bare file name anywhere in it. */
  @Test
  void everyFileItNamesExists() throws IOException {
    Set<String> fileNames = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
          .forEach(f -> fileNames.add(String.valueOf(f.getFileName())));
    }
    List<String> missing = new ArrayList<>();
    for (String name : backticked()) {
      boolean outside = name.startsWith("../") || name.contains("target/");
      boolean found =
          name.contains("/") ? Files.exists(ROOT.resolve(name)) : fileNames.contains(name);
      if (FILE.matcher(name).matches() && !outside && !found) {
        missing.add(name);
      }
    }
    assertThat(missing)
        .as("files docs/design.md names that the repository does not have")
        .isEmpty();
  }

  private static Set<String> backticked() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher quoted = BACKTICKED.matcher(Files.readString(DESIGN));
    while (quoted.find()) {
      names.add(quoted.group(1).trim());
    }
    return names;
  }

  /** Every type declared in the repository's Java sources (main and test), outside build output. */
  private static Set<String> declaredTypes() throws IOException {
    Set<String> types = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
              .toList()) {
        Matcher declaration = DECLARATION.matcher(Files.readString(file));
        while (declaration.find()) {
          types.add(declaration.group(1));
        }
      }
    }
    return types;
  }
}
