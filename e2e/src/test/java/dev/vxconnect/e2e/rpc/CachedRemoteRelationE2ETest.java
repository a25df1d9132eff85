package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.ServerTestBase;
import org.apache.spark.connect.proto.CachedRemoteRelation;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.RemoveCachedRemoteRelationCommand;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * RemoveCachedRemoteRelationCommand, which the client sends when a checkpointed DataFrame it holds
 * is garbage collected (not something a test can time): sent through the client's session, it
 * frees the server's copy, after which the DataFrame cannot be used any more.
 */
class CachedRemoteRelationE2ETest extends ServerTestBase {

  @Test
  void removingACheckpointedDataFrameFreesIt() {
    Dataset<Row> checkpointed = spark.range(10).selectExpr("id * 2 as d").localCheckpoint();
    Relation root = ((org.apache.spark.sql.connect.Dataset<Row>) checkpointed).plan().getRoot();
    assertThat(root.hasCachedRemoteRelation())
        .as("a checkpoint is a cached remote relation")
        .isTrue();
    long sum = checkpointed.selectExpr("sum(d)").collectAsList().get(0).getLong(0);
    assertThat(sum)
        .isEqualTo(spark.range(10).selectExpr("sum(id * 2)").collectAsList().get(0).getLong(0));

    String id = root.getCachedRemoteRelation().getRelationId();
    ((SparkSession) spark)
        .execute(
            Command.newBuilder()
                .setRemoveCachedRemoteRelationCommand(
                    RemoveCachedRemoteRelationCommand.newBuilder()
                        .setRelation(CachedRemoteRelation.newBuilder().setRelationId(id)))
                .build());

    // As Spark's own server says it.
    Throwable failure = catchThrowable(() -> checkpointed.collectAsList());
    assertThat(failure)
        .as("the removed DataFrame is gone")
        .isNotNull()
        .hasMessageContaining("No DataFrame with id " + id + " is found in the session");
  }
}
