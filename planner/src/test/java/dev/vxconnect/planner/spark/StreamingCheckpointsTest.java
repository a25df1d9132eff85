package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.connect.proto.WriteStreamOperationStart;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which streaming queries another driver can start again from their checkpoint: Spark's rule. */
class StreamingCheckpointsTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("streaming-checkpoints");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theWritersOptionInAnyCaseIsTheCheckpoint() {
    WriteStreamOperationStart write =
        WriteStreamOperationStart.newBuilder()
            .putOptions("CheckpointLocation", "/shared/q1")
            .build();
    assertThat(StreamingCheckpoints.chosenBy(write, spark)).contains("/shared/q1");
  }

  @Test
  void underTheSessionsRootOnlyANamedQueryHasAKnownCheckpoint() {
    SparkSession session = spark.newSession();
    WriteStreamOperationStart unnamed = WriteStreamOperationStart.getDefaultInstance();
    assertThat(StreamingCheckpoints.chosenBy(unnamed, session)).isEmpty();
    session.conf().set("spark.sql.streaming.checkpointLocation", "/shared/root");
    assertThat(StreamingCheckpoints.chosenBy(unnamed, session))
        .as("a random directory under the root")
        .isEmpty();
    assertThat(
            StreamingCheckpoints.chosenBy(unnamed.toBuilder().setQueryName("q2").build(), session))
        .contains("/shared/root/q2");
  }
}
