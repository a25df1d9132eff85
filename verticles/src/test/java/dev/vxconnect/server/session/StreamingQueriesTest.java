package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.planner.ServerError;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.StreamingQueryCommand;
import org.apache.spark.connect.proto.StreamingQueryCommandResult;
import org.apache.spark.connect.proto.StreamingQueryInstanceId;
import org.junit.jupiter.api.Test;

class StreamingQueriesTest {

  private static ExecutePlanRequest status(String id, String runId) {
    return ExecutePlanRequest.newBuilder()
        .setOperationId("op")
        .setPlan(
            Plan.newBuilder()
                .setCommand(
                    Command.newBuilder()
                        .setStreamingQueryCommand(
                            StreamingQueryCommand.newBuilder()
                                .setQueryId(
                                    StreamingQueryInstanceId.newBuilder().setId(id).setRunId(runId))
                                .setStatus(true))))
        .build();
  }

  private static String runIdOf(ExecutePlanRequest request) {
    return request.getPlan().getCommand().getStreamingQueryCommand().getQueryId().getRunId();
  }

  @Test
  void aCommandForARestartedQueryGoesToItsNewRunAndIsAnsweredUnderTheClientsRun() {
    StreamingQueries queries = new StreamingQueries();
    queries.restarted("q", "first", "second");
    ExecutePlanRequest run = queries.forThisRun(status("q", "first"));
    assertThat(runIdOf(run)).isEqualTo("second");
    ExecutePlanResponse answer =
        ExecutePlanResponse.newBuilder()
            .setStreamingQueryCommandResult(
                StreamingQueryCommandResult.newBuilder()
                    .setQueryId(
                        StreamingQueryInstanceId.newBuilder().setId("q").setRunId("second")))
            .build();
    assertThat(
            queries
                .asClientKnowsIt(answer)
                .getStreamingQueryCommandResult()
                .getQueryId()
                .getRunId())
        .isEqualTo("first");
  }

  @Test
  void otherRequestsAndRunsAreLeftAlone() {
    StreamingQueries queries = new StreamingQueries();
    queries.restarted("q", "first", "second");
    ExecutePlanRequest newRun = status("q", "second");
    assertThat(queries.forThisRun(newRun)).isSameAs(newRun);
    ExecutePlanRequest other = status("other", "first");
    assertThat(queries.forThisRun(other)).isSameAs(other);
    ExecutePlanRequest sql =
        ExecutePlanRequest.newBuilder()
            .setPlan(
                Plan.newBuilder()
                    .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1"))))
            .build();
    assertThat(queries.forThisRun(sql)).isSameAs(sql);
  }

  @Test
  void aCommandForALostQueryFailsNamingWhy() {
    StreamingQueries queries = new StreamingQueries();
    queries.lost("q", "first", "it had no checkpoint location of the user's");
    ServerError failure =
        catchThrowableOfType(ServerError.class, () -> queries.forThisRun(status("q", "first")));
    assertThat(failure.getCondition()).isEqualTo(ServerError.STREAMING_QUERY_LOST);
    assertThat(failure.getMessage()).contains("no checkpoint location");
    // A run started since, under the same id (the client started it again), is not the lost one.
    ExecutePlanRequest again = status("q", "later");
    assertThat(queries.forThisRun(again)).isSameAs(again);
  }
}
