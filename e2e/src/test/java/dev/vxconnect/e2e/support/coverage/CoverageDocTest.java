package dev.vxconnect.e2e.support.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.coverage.ProtocolCases.Group;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Needs the client's relocated proto classes: server run only. */
@Tag("server-only")
class CoverageDocTest {

  private static final Map<String, Set<String>> RECORDED = Map.of(
      "E.e", Set.of("rpc ExecutePlan"),
      "B.b", Set.of("rpc ExecutePlan", "relation sql"),
      "D.d", Set.of("rpc ExecutePlan"),
      "A.a", Set.of("rpc ExecutePlan", "config get_option"),
      "C.c", Set.of("rpc ExecutePlan"));

  @Test
  void listsEveryCaseWithTheScenariosThatExercisedIt() {
    String doc = CoverageDoc.render(RECORDED);

    assertThat(doc)
        .contains("| `ExecutePlan` | e2e | A.a, B.b, C.c +2 more |\n")
        .contains("| `sql` | e2e | B.b |\n")
        .contains("| `get_option` | e2e | A.a |\n")
        .contains("| `CloneSession` | not exercised yet |  |\n")
        .contains("| `sql_command` | not exercised yet |  |\n")
        .contains("| RPCs | 1 | 11 |\n")
        .contains("| Relations | 1 | " + Group.RELATION.cases().size() + " |\n")
        .contains("| Commands | 0 | " + Group.COMMAND.cases().size() + " |\n");
    int rows = 0;
    for (Group group : Group.values()) {
      rows += group.cases().size();
    }
    assertThat(doc.lines().filter(l -> l.startsWith("| `"))).hasSize(rows);
  }

  @Test
  void claimsNothingThatWasNotRecorded() {
    String doc = CoverageDoc.render(Map.of("A.a", Set.of("rpc Config")));

    assertThat(doc.lines().filter(l -> l.contains("| e2e |")))
        .containsExactly("| `Config` | e2e | A.a |");
  }

  @Test
  void doesNotDependOnTheOrderScenariosWereRead() {
    Map<String, Set<String>> forward = new TreeMap<>(RECORDED);
    Map<String, Set<String>> backward = new TreeMap<>(Comparator.reverseOrder());
    backward.putAll(RECORDED);

    assertThat(CoverageDoc.render(backward)).isEqualTo(CoverageDoc.render(forward));
  }

  @Test
  void diffSummaryNamesTheLinesThatChanged() {
    String summary = ProtocolCoverageE2ETest.diffSummary("a\nb\nc\n", "a\nB\nc\n");

    assertThat(summary).isEqualTo("- b\n+ B");
  }
}
