package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.testkit.ConfigRequests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.Test;

/**
 * While a query runs, ExecutionProgress responses report its stages and tasks at the session's
 * spark.connect.progress.reportInterval, as Spark's server does (clients draw progress bars).
 */
class ProgressE2ETest extends ServerTestBase {

  @Test
  void runningQueryReportsProgress() throws Exception {
    UserContext user = RawGrpc.user("dave");
    String session = RawGrpc.newSessionId();
    try (RawGrpc grpc = new RawGrpc(server().port())) {
      grpc.stub()
          .config(
              ConfigRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(user)
                  .setOperation(
                      ConfigRequests.set("spark.connect.progress.reportInterval", "200ms"))
                  .build());
      ExecutePlanRequest request =
          RawGrpc.execute(
                  session,
                  user,
                  RawGrpc.sqlQuery(
                      "select id, java_method('java.lang.Thread', 'sleep', 1500L) as slept from range(0, 4, 1, 4)"))
              .addRequestOptions(RawGrpc.reattachable(true))
              .build();
      List<ExecutePlanResponse> responses = new ArrayList<>();
      grpc.stub().executePlan(request).forEachRemaining(responses::add);

      List<ExecutePlanResponse.ExecutionProgress> progress =
          responses.stream()
              .filter(ExecutePlanResponse::hasExecutionProgress)
              .map(ExecutePlanResponse::getExecutionProgress)
              .toList();
      assertThat(progress).as("progress reports while the 4 tasks ran").isNotEmpty();
      // vxconnect fetches a result in windows of partitions, one job (and stage) per window.
      Map<Long, Long> tasksPerStage = new HashMap<>();
      progress.forEach(
          p ->
              p.getStagesList()
                  .forEach(stage -> tasksPerStage.put(stage.getStageId(), stage.getNumTasks())));
      assertThat(tasksPerStage.values().stream().mapToLong(Long::longValue).sum())
          .as("tasks of the stages reported (%s)", tasksPerStage)
          .isEqualTo(4);
      assertThat(progress)
          .flatMap(ExecutePlanResponse.ExecutionProgress::getStagesList)
          .as("some tasks reported done")
          .anySatisfy(stage -> assertThat(stage.getNumCompletedTasks()).isPositive());
      assertThat(responses.get(responses.size() - 1).hasResultComplete()).isTrue();
      assertThat(responses).extracting(ExecutePlanResponse::getResponseId).doesNotHaveDuplicates();
    }
  }
}
