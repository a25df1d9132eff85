package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExecutorJarsTest {

  private static final Optional<Path> PLANNER =
      Optional.of(Path.of("/opt/vxconnect/lib/vxconnect-planner.jar"));

  @Test
  void aLocalMasterShipsNothing() {
    assertThat(ExecutorJars.with("local[*]", null, PLANNER)).isEmpty();
    assertThat(ExecutorJars.with("local-cluster[2,1,1024]", "a.jar", PLANNER)).isEqualTo("a.jar");
  }

  @Test
  void aClusterMasterGetsThePlannerJarAfterTheUsersJars() {
    assertThat(ExecutorJars.with("spark://master:7077", null, PLANNER))
        .isEqualTo("/opt/vxconnect/lib/vxconnect-planner.jar");
    assertThat(ExecutorJars.with("k8s://https://api:6443", "a.jar, b.jar", PLANNER))
        .isEqualTo("a.jar,b.jar,/opt/vxconnect/lib/vxconnect-planner.jar");
    assertThat(
            ExecutorJars.with(
                "spark://master:7077", "/opt/vxconnect/lib/vxconnect-planner.jar", PLANNER))
        .isEqualTo("/opt/vxconnect/lib/vxconnect-planner.jar");
  }

  @Test
  void classesFromADirectoryShipNothing() {
    assertThat(ExecutorJars.with("spark://master:7077", "a.jar", Optional.empty()))
        .isEqualTo("a.jar");
    // In this test the planner's classes come from target/classes.
    assertThat(ExecutorJars.ownJar()).isEmpty();
  }
}
