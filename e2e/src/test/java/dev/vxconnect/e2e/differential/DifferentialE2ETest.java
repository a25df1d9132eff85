package dev.vxconnect.e2e.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.differential.ProgramGenerator.Program;
import dev.vxconnect.e2e.differential.RandomTables.Table;
import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.Expected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Differential testing: random DataFrame programs over random typed tables, run on a classic
 * local session (the oracle run) and with the official client on vxconnect (the server run), must
 * return the same schema and rows, or fail with the same error. {@code -Dvxconnect.diff.seed}
 * (default 20261123) and {@code -Dvxconnect.diff.programs} (default 1000) choose the programs; both
 * runs of one build must get the same values. See docs/differential-testing.md.
 */
class DifferentialE2ETest extends E2ETestBase {

  private static final int TABLES = 12;

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void generatedProgramsReturnWhatClassicSparkReturns() throws IOException {
    long seed = Long.getLong("vxconnect.diff.seed", 20261123L);
    int programs = Integer.getInteger("vxconnect.diff.programs", 1000);
    // One session for every program: the same settings on both sides.
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    spark.conf().set("spark.sql.shuffle.partitions", "2");
    // Speed: a thousand small queries, each compiled by Janino and re-planned by adaptive
    // execution, would take minutes. Both sides run the same engine with the same settings; what
    // is compared is what reaches it, plans and results on the wire.
    spark.conf().set("spark.sql.codegen.wholeStage", "false");
    spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    List<Table> tables = RandomTables.generate(seed, TABLES);
    RandomTables.register(spark, tables);

    long start = System.nanoTime();
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < programs; i++) {
      Program program = ProgramGenerator.generate(seed * 1_000_003L + i, tables);
      String difference = difference(program.build(), program.ordered());
      if (difference != null) {
        differences.add("program " + i + " (" + program.description() + "): " + difference);
        System.out.println("differential: " + differences.get(differences.size() - 1));
      }
      if ((i + 1) % 500 == 0) {
        System.out.printf(
            "differential %s run: %d programs in %d ms, %d differences so far%n",
            isOracle() ? "oracle" : "server",
            i + 1,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
            differences.size());
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf(
        "differential %s run: seed %d, %d programs in %d ms, %d differences%s%n",
        isOracle() ? "oracle" : "server",
        seed,
        programs,
        millis,
        differences.size(),
        oracleSummary(programs));
    assertThat(differences)
        .as("programs whose result on vxconnect differs from classic Spark's")
        .isEmpty();
  }

  /** What the oracle recorded: how many programs failed or returned no rows (for the docs). */
  private static String oracleSummary(int programs) throws IOException {
    Path dir = Expected.recordDirectory().resolve(DifferentialE2ETest.class.getSimpleName());
    int errors = 0;
    int empty = 0;
    for (int i = 1; i <= programs; i++) {
      Path file = dir.resolve("generatedProgramsReturnWhatClassicSparkReturns-" + i + ".json");
      if (Files.exists(file)) {
        String text = Files.readString(file);
        errors += text.contains("\"kind\" : \"error\"") ? 1 : 0;
        empty += text.contains("\"rows\" : [ ]") ? 1 : 0;
      }
    }
    return "; the oracle's record: " + errors + " errors, " + empty + " empty results";
  }
}
