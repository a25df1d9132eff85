package dev.vxconnect.e2e.support.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Expected;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/protocol-coverage.md true: renders it from the protocol's descriptors and what the
 * scenarios of the server run recorded, and fails when the committed file says otherwise. With
 * {@code -Dvxconnect.coverage.write=true} it writes the file instead.
 *
 * <p>It must run after every other scenario of the server run, so e2e/pom.xml gives it a surefire
 * execution of its own, {@code protocol-coverage}, bound to the {@code verify} phase (after the
 * {@code integration-test} phase of the server run), which selects it by its tag
 * {@code protocol-coverage}; the other two executions exclude that tag. A separate execution is
 * simpler and sturdier than ordering test classes inside one JUnit run.
 */
@Tag("server-only")
@Tag("protocol-coverage")
class ProtocolCoverageE2ETest {

  private static final String WRITE = "vxconnect.coverage.write";
  private static final int DIFF_LINES_SHOWN = 30;
  private static final int MIN_COMPARED = 200;

  @Test
  void docMatchesRecordedCoverage() throws IOException {
    Map<String, Set<String>> scenarios = CoverageRecorder.read(CoverageRecorder.directory());
    assertThat(scenarios)
        .as(
            "no coverage recorded under %s: the server run of the e2e scenarios must run first"
                + " (mvn verify runs it)",
            CoverageRecorder.directory())
        .isNotEmpty();
    Set<String> compared =
        ComparedScenarios.inBothRuns(
            ComparedScenarios.withOracleRecords(Expected.recordDirectory()), scenarios.keySet());
    assertThat(compared.size())
        .as(
            "scenarios compared with a classic SparkSession (issue 4 asks for at least %d)",
            MIN_COMPARED)
        .isGreaterThanOrEqualTo(MIN_COMPARED);
    String rendered = CoverageDoc.render(scenarios, compared.size());
    Path doc = ServerProcess.home().resolve("docs/protocol-coverage.md");

    if (Boolean.getBoolean(WRITE)) {
      Files.createDirectories(doc.getParent());
      Files.writeString(doc, rendered, StandardCharsets.UTF_8);
      return;
    }
    String committed = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    if (!committed.equals(rendered)) {
      throw new AssertionError(
          doc
              + " is out of date with the protocol and the e2e scenarios."
              + " Regenerate it with: mvn -B verify -D"
              + WRITE
              + "=true (then review and commit it)."
              + "\nLines that differ (- committed, + now):\n"
              + diffSummary(committed, rendered));
    }
  }

  /** The lines only one side has, in order: a summary, not a full diff. */
  static String diffSummary(String committed, String rendered) {
    List<String> before = committed.lines().toList();
    List<String> after = rendered.lines().toList();
    Set<String> inBefore = new HashSet<>(before);
    Set<String> inAfter = new HashSet<>(after);
    List<String> out = new ArrayList<>();
    before.stream().filter(l -> !inAfter.contains(l)).forEach(l -> out.add("- " + l));
    after.stream().filter(l -> !inBefore.contains(l)).forEach(l -> out.add("+ " + l));
    if (out.isEmpty()) {
      out.add("(the same lines, in another order or with other line endings)");
    }
    int total = out.size();
    if (total > DIFF_LINES_SHOWN) {
      out.subList(DIFF_LINES_SHOWN, total).clear();
      out.add("... and " + (total - DIFF_LINES_SHOWN) + " more");
    }
    return String.join("\n", out);
  }
}
