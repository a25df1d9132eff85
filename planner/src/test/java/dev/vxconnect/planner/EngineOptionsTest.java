package dev.vxconnect.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {

  @Test
  void theStartupLogHidesWhatSparkWouldRedact() {
    EngineOptions options =
        new EngineOptions(
            Map.of(
                "spark.master", "local[2]",
                "spark.hadoop.javax.jdo.option.ConnectionPassword", "hunter2",
                "spark.hadoop.fs.s3a.access.key", "AKIA0",
                "spark.some.token", "t0ken"),
            1,
            false,
            false,
            List.of(),
            Optional.of(new MetastoreDatabase("jdbc:postgresql://db/x", "vx", "pa55word")));

    assertThat(options.toString())
        .contains("spark.master=local[2]")
        .contains("spark.hadoop.javax.jdo.option.ConnectionPassword=***")
        .doesNotContain("hunter2")
        .doesNotContain("AKIA0")
        .doesNotContain("t0ken")
        .contains("jdbc:postgresql://db/x")
        .doesNotContain("pa55word");
    assertThat(options.sparkConf())
        .as("Spark itself gets the values")
        .containsEntry("spark.hadoop.javax.jdo.option.ConnectionPassword", "hunter2");
  }
}
