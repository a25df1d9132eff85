package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.PipelineCommand;
import org.apache.spark.sql.connect.SparkSession;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark Declarative Pipelines over Connect (PipelineCommand), as the spark-pipelines CLI drives
 * it (the JVM client has no pipelines API): a dataflow graph defined from SQL, run, then dropped.
 */
class PipelinesE2ETest extends ServerTestBase {

  private List<ExecutePlanResponse> pipeline(PipelineCommand.Builder command) {
    return CollectionConverters.asJava(
        ((SparkSession) spark).execute(Command.newBuilder().setPipelineCommand(command).build()));
  }

  @Test
  void sqlDefinedGraphRunsAndIsDropped() throws Exception {
    String graph =
        pipeline(
                PipelineCommand.newBuilder()
                    .setCreateDataflowGraph(
                        PipelineCommand.CreateDataflowGraph.newBuilder()
                            .setDefaultCatalog("spark_catalog")
                            .setDefaultDatabase("default")))
            .stream()
            .filter(ExecutePlanResponse::hasPipelineCommandResult)
            .findFirst()
            .orElseThrow()
            .getPipelineCommandResult()
            .getCreateDataflowGraphResult()
            .getDataflowGraphId();
    assertThat(graph).as("the new graph's id").isNotEmpty();

    String view = "mv_" + UUID.randomUUID().toString().replace('-', '_');
    String query = "select id, id * id as square from range(6)";
    pipeline(
        PipelineCommand.newBuilder()
            .setDefineSqlGraphElements(
                PipelineCommand.DefineSqlGraphElements.newBuilder()
                    .setDataflowGraphId(graph)
                    .setSqlFilePath("defs/" + view + ".sql")
                    .setSqlText("CREATE MATERIALIZED VIEW " + view + " AS " + query)));
    Path storage =
        Files.createDirectories(
            ServerProcess.targetDirectory().resolve("pipelines").resolve(graph));
    List<ExecutePlanResponse> run =
        pipeline(
            PipelineCommand.newBuilder()
                .setStartRun(
                    PipelineCommand.StartRun.newBuilder()
                        .setDataflowGraphId(graph)
                        .setStorage(storage.toUri().toString())));
    assertThat(
            run.stream()
                .filter(ExecutePlanResponse::hasPipelineEventResult)
                .map(r -> r.getPipelineEventResult().getEvent().getMessage()))
        .as("the run's events, streamed back")
        .contains("Flow spark_catalog.default." + view + " has COMPLETED.", "Run is COMPLETED.");

    assertThat(spark.table(view).orderBy("id").collectAsList())
        .as("the materialized view holds what its query returns")
        .isEqualTo(spark.sql(query).orderBy("id").collectAsList());

    pipeline(
        PipelineCommand.newBuilder()
            .setDropDataflowGraph(
                PipelineCommand.DropDataflowGraph.newBuilder().setDataflowGraphId(graph)));
  }
}
