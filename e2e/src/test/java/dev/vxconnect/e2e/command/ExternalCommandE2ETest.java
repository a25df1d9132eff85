package dev.vxconnect.e2e.command;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.TestJars;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * SparkSession.executeCommand (ExecuteExternalCommand): a runner class of the test program, which
 * the server loads from the session's uploaded jar, and a runner that does not exist.
 */
class ExternalCommandE2ETest extends E2ETestBase {

  /** By name: the server run's class path lacks the runner's interface, so it cannot load it. */
  private static final String RUNNER = "dev.vxconnect.e2e.command.EchoRunner";

  @BeforeEach
  void shipRunner() throws Exception {
    if (!isOracle()) {
      spark.addArtifact(TestJars.ofClassNames("external-command", RUNNER).toString());
    }
  }

  private static scala.collection.immutable.Map<String, String> options(
      Map<String, String> options) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(options));
  }

  @Test
  void runnerOfTheSessionsJar() {
    // Renamed: Spark's Connect planner names the output column "value", classic Spark
    // "command_output" (Spark's own Connect server answers the same as vxconnect).
    checkOrdered(
        s ->
            s.executeCommand(
                    RUNNER,
                    "refresh  all the things",
                    options(Map.of("mode", "fast", "Level", "3")))
                .toDF("out"));
    checkOrdered(
        s -> s.executeCommand(RUNNER, "one", options(Map.of())).selectExpr("count(*) as n"));
  }

  @Test
  void runnerThatDoesNotExist() {
    checkCondition(s -> s.executeCommand("dev.vxconnect.e2e.NoSuchRunner", "x", options(Map.of())));
  }
}
