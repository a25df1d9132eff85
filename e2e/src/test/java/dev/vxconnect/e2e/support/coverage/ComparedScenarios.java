package dev.vxconnect.e2e.support.coverage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The scenarios compared with a classic SparkSession: those the oracle run recorded expected
 * results for (oracle/target/records/{@code <TestClass>/<method>[-<display>]-<n>.json}) that the
 * server run also ran (they are in its coverage record), named {@code TestClass.method} as there.
 */
public final class ComparedScenarios {

  private static final String SUFFIX = ".json";

  private ComparedScenarios() {}

  /** The scenarios with an oracle record under {@code dir}, as {@code TestClass.method}. */
  public static Set<String> withOracleRecords(Path dir) throws IOException {
    Set<String> scenarios = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return scenarios;
    }
    try (Stream<Path> classes = Files.list(dir)) {
      for (Path testClass : classes.filter(Files::isDirectory).toList()) {
        try (Stream<Path> checks = Files.list(testClass)) {
          for (Path check : checks.toList()) {
            String file = check.getFileName().toString();
            // Java method names have no '-': what follows is the display name and the check number.
            int dash = file.indexOf('-');
            if (file.endsWith(SUFFIX) && dash > 0) {
              scenarios.add(testClass.getFileName() + "." + file.substring(0, dash));
            }
          }
        }
      }
    }
    return scenarios;
  }

  /** Those of {@code withOracle} that the server run recorded too. */
  public static Set<String> inBothRuns(Set<String> withOracle, Set<String> serverRun) {
    Set<String> both = new TreeSet<>(withOracle);
    both.retainAll(serverRun);
    return both;
  }
}
