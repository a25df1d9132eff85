package dev.vxconnect.e2e.support.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.coverage.ProtocolCases.Group;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs the client's relocated proto classes: server run only. */
@Tag("server-only")
class CoverageDocTest {

  private static final Map<String, Set<String>> RECORDED =
      Map.of(
          "E.e", Set.of("rpc ExecutePlan"),
          "B.b", Set.of("rpc ExecutePlan", "relation sql"),
          "D.d", Set.of("rpc ExecutePlan"),
          "A.a", Set.of("rpc ExecutePlan", "config get_option"),
          "C.c", Set.of("rpc ExecutePlan"));

  @Test
  void listsEveryCaseWithTheScenariosThatExercisedIt() {
    String doc = CoverageDoc.render(RECORDED, 2);

    assertThat(doc)
        .contains("| `ExecutePlan` | e2e | A.a, B.b, C.c and others |\n")
        .contains("| `sql` | e2e | B.b |\n")
        .contains("| `get_option` | e2e | A.a |\n")
        .contains("| `CloneSession` | not exercised yet |  |\n")
        .contains("| `sql_command` | not exercised yet |  |\n")
        .contains("| RPCs | 1 | 0 | 11 |\n")
        .contains("| Relations | 1 | 0 | " + Group.RELATION.cases().size() + " |\n")
        .contains("| Commands | 0 | 0 | " + Group.COMMAND.cases().size() + " |\n")
        .contains("Scenarios compared with a classic local SparkSession: **2**");
    int rows = 0;
    for (Group group : Group.values()) {
      rows += group.cases().size();
    }
    assertThat(doc.lines().filter(l -> l.startsWith("| `"))).hasSize(rows);
  }

  @Test
  void claimsNothingThatWasNotRecorded() {
    String doc = CoverageDoc.render(Map.of("A.a", Set.of("rpc Config")), 0);

    assertThat(doc.lines().filter(l -> l.contains("| e2e |")))
        .containsExactly("| `Config` | e2e | A.a |");
  }

  @Test
  void aCaseAnsweredWithANamedErrorShowsItsClassAndReason() {
    String doc =
        CoverageDoc.render(
            Map.of(
                "U.unknown", Set.of("rpc ExecutePlan", "relation unknown"),
                "U.python", Set.of("rpc ExecutePlan", "command register_data_source")),
            0);
    NamedErrors.Answer unknown = NamedErrors.of("relation unknown").orElseThrow();
    NamedErrors.Answer dataSource = NamedErrors.of("command register_data_source").orElseThrow();

    assertThat(doc)
        .contains(
            "| `unknown` | named error `"
                + unknown.errorClass()
                + "`: "
                + unknown.reason()
                + " | U.unknown |\n")
        .contains(
            "| `register_data_source` | named error `FEATURE_NOT_ENABLED`: "
                + dataSource.reason()
                + " | U.python |\n")
        .contains("| Relations | 0 | 1 | " + Group.RELATION.cases().size() + " |\n")
        .contains("| Commands | 0 | 1 | " + Group.COMMAND.cases().size() + " |\n");
  }

  @Test
  void everyNamedErrorIsACaseOfTheProtocol() {
    Set<String> protocol = new HashSet<>();
    for (Group group : Group.values()) {
      group.cases().forEach(name -> protocol.add(group.covered(name)));
    }

    assertThat(NamedErrors.cases()).isNotEmpty().allMatch(protocol::contains);
  }

  @Test
  void aNamedErrorNoScenarioSentIsNotClaimed() {
    String doc = CoverageDoc.render(Map.of("A.a", Set.of("rpc Config")), 0);

    assertThat(doc)
        .contains("| `unknown` | not exercised yet |  |\n")
        .doesNotContain("| named error `");
  }

  @Test
  void comparedScenariosAreThoseOfBothRuns(@TempDir Path oracle) throws Exception {
    Files.createDirectories(oracle.resolve("AE2ETest"));
    Files.createDirectories(oracle.resolve("BE2ETest"));
    Files.writeString(oracle.resolve("AE2ETest/first-1.json"), "{}");
    Files.writeString(oracle.resolve("AE2ETest/first-2.json"), "{}");
    Files.writeString(oracle.resolve("AE2ETest/joins-inner-1.json"), "{}");
    Files.writeString(oracle.resolve("AE2ETest/joins-left-1.json"), "{}");
    Files.writeString(oracle.resolve("BE2ETest/renamedSince-1.json"), "{}");
    Files.writeString(oracle.resolve("BE2ETest/notes.txt"), "");

    Set<String> withOracle = ComparedScenarios.withOracleRecords(oracle);

    assertThat(withOracle)
        .containsExactly("AE2ETest.first", "AE2ETest.joins", "BE2ETest.renamedSince");
    assertThat(
            ComparedScenarios.inBothRuns(
                withOracle, Set.of("AE2ETest.first", "AE2ETest.joins", "CE2ETest.serverOnly")))
        .containsExactly("AE2ETest.first", "AE2ETest.joins");
  }

  @Test
  void doesNotDependOnTheOrderScenariosWereRead() {
    Map<String, Set<String>> forward = new TreeMap<>(RECORDED);
    Map<String, Set<String>> backward = new TreeMap<>(Comparator.reverseOrder());
    backward.putAll(RECORDED);

    assertThat(CoverageDoc.render(backward, 2)).isEqualTo(CoverageDoc.render(forward, 2));
  }

  @Test
  void diffSummaryNamesTheLinesThatChanged() {
    String summary = ProtocolCoverageE2ETest.diffSummary("a\nb\nc\n", "a\nB\nc\n");

    assertThat(summary).isEqualTo("- b\n+ B");
  }
}
