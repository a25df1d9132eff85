package dev.vxconnect.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.planner.SparkErrors;
import java.nio.file.Path;
import org.apache.spark.SparkThrowable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jars/udf.jar",
        "classes/com/example/Udf.class",
        "cache/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        "pyfiles/helpers.py",
        "archives/env.zip",
        "files/data.csv",
        "forward_to_fs/tmp/data.bin",
        "jars/with space and ünïcode.jar",
      })
  void acceptsRelativeNamesUnderAKnownKind(String name) {
    Path path = ArtifactNames.check(name);

    assertThat(path.isAbsolute()).isFalse();
    assertThat(path.toString()).isEqualTo(name);
  }

  @Test
  void theFragmentOfAnArchiveIsNotPartOfItsPath() {
    assertThat(ArtifactNames.check("archives/env.zip#env")).isEqualTo(Path.of("archives/env.zip"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jars/../../etc/passwd",
        "jars/..",
        "../jars/x.jar",
        "jars/./x.jar",
        "/jars/x.jar",
        "/etc/passwd",
        "jars\\x.jar",
        "jars\\..\\..\\x.jar",
        "jars//x.jar",
        "jars/",
        "jars",
        "",
        "bin/x.jar",
        "JARS/x.jar",
        "jars/x\0.jar",
        "pyfiles/~/x.py",
        "archives/../x.zip#frag",
        "archives/x.zip#../../x",
        "archives/x.zip#a/b",
        "archives/x.zip#",
        "archives/x.zip#..",
        "cache/../x",
        "cache/a/b",
      })
  void rejectsNamesThatCouldEscapeOrAreMalformed(String name) {
    Throwable failure = SparkErrors.unwrap(catchThrowable(() -> ArtifactNames.check(name)));

    assertThat(failure).as(name).isInstanceOf(SparkThrowable.class);
    assertThat(((SparkThrowable) failure).getCondition()).isEqualTo("INVALID_ARTIFACT_PATH");
    assertThat(failure.getMessage()).contains(name);
  }

  @Test
  void rejectsOverlongNames() {
    Throwable failure =
        SparkErrors.unwrap(catchThrowable(() -> ArtifactNames.check("jars/" + "a".repeat(5000))));

    assertThat(((SparkThrowable) failure).getCondition()).isEqualTo("INVALID_ARTIFACT_PATH");
  }
}
