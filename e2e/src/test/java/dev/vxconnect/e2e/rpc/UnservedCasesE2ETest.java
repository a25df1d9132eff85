package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.e2e.support.coverage.NamedErrors;
import org.apache.spark.connect.proto.ApplyInPandasWithState;
import org.apache.spark.connect.proto.CoGroupMap;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.CommonInlineUserDefinedDataSource;
import org.apache.spark.connect.proto.CommonInlineUserDefinedFunction;
import org.apache.spark.connect.proto.CommonInlineUserDefinedTableFunction;
import org.apache.spark.connect.proto.CreateResourceProfileCommand;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.GroupMap;
import org.apache.spark.connect.proto.MapPartitions;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.PythonDataSource;
import org.apache.spark.connect.proto.PythonUDF;
import org.apache.spark.connect.proto.PythonUDTF;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ResourceProfile;
import org.apache.spark.connect.proto.TaskResourceRequest;
import org.apache.spark.connect.proto.Unknown;
import org.junit.jupiter.api.Test;
import org.sparkproject.com.google.protobuf.Any;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * The protocol cases vxconnect answers with a named error (the table in {@link NamedErrors}, shown
 * in docs/protocol-coverage.md), sent as PySpark or a plugin-aware client sends them: features that
 * need a Python worker, extensions without a Connect plugin, the test-only {@code unknown} relation
 * and resource profiles on a local master. Each must fail with its error class and say why, not
 * with an INTERNAL_ERROR from deep inside Spark.
 */
class UnservedCasesE2ETest extends ServerTestBase {

  private static final String SESSION = RawGrpc.newSessionId();

  private static Relation range(long end) {
    return Relation.newBuilder().setRange(Range.newBuilder().setEnd(end).setStep(1)).build();
  }

  private static Expression id() {
    return Expression.newBuilder()
        .setUnresolvedAttribute(
            Expression.UnresolvedAttribute.newBuilder().setUnparsedIdentifier("id"))
        .build();
  }

  private static CommonInlineUserDefinedFunction pythonFunction() {
    return CommonInlineUserDefinedFunction.newBuilder()
        .setFunctionName("per_group")
        .setDeterministic(true)
        .addArguments(id())
        .setPythonUdf(
            PythonUDF.newBuilder()
                .setOutputType(DataType.newBuilder().setLong(DataType.Long.getDefaultInstance()))
                .setEvalType(211)
                .setCommand(ByteString.copyFromUtf8("pickled"))
                .setPythonVer("3.11"))
        .build();
  }

  private static CommonInlineUserDefinedTableFunction pythonUdtf() {
    return CommonInlineUserDefinedTableFunction.newBuilder()
        .setFunctionName("explode_twice")
        .setPythonUdtf(
            PythonUDTF.newBuilder()
                .setEvalType(300)
                .setCommand(ByteString.copyFromUtf8("pickled"))
                .setPythonVer("3.11"))
        .build();
  }

  private static CommonInlineUserDefinedDataSource pythonDataSource() {
    return CommonInlineUserDefinedDataSource.newBuilder()
        .setName("my_source")
        .setPythonDataSource(
            PythonDataSource.newBuilder()
                .setCommand(ByteString.copyFromUtf8("pickled"))
                .setPythonVer("3.11"))
        .build();
  }

  /** Some message no plugin knows, packed as an extension. */
  private static Any extension() {
    return Any.pack(Range.newBuilder().setEnd(3).build());
  }

  /** Sends {@code plan}; asserts it fails with the named error of {@code coveredCase}; its message. */
  private String refused(String coveredCase, Plan plan) throws Exception {
    return refused(plan, NamedErrors.errorClass(coveredCase));
  }

  /** Sends {@code plan}; asserts it fails with {@code errorClass}; its message. */
  private String refused(Plan plan, String errorClass) throws Exception {
    try (RawGrpc grpc = new RawGrpc(server().port())) {
      StatusRuntimeException failure = grpc.executionFailure(SESSION, RawGrpc.user("ulla"), plan);
      String sent =
          plan.hasRoot()
              ? "relation " + plan.getRoot().getRelTypeCase()
              : "command " + plan.getCommand().getCommandTypeCase();
      assertThat(failure).as(sent + " fails").isNotNull();
      assertThat(RawGrpc.errorClass(failure)).as(sent + ": " + failure).contains(errorClass);
      return failure.getStatus().getDescription();
    }
  }

  private String refusedRelation(String coveredCase, Relation relation) throws Exception {
    return refused(coveredCase, Plan.newBuilder().setRoot(relation).build());
  }

  private String refusedCommand(String coveredCase, Command command) throws Exception {
    return refused(coveredCase, Plan.newBuilder().setCommand(command).build());
  }

  @Test
  void pythonOnlyRelations() throws Exception {
    assertThat(
            refusedRelation(
                "relation apply_in_pandas_with_state",
                Relation.newBuilder()
                    .setApplyInPandasWithState(
                        ApplyInPandasWithState.newBuilder()
                            .setInput(range(3))
                            .addGroupingExpressions(id())
                            .setFunc(pythonFunction())
                            .setOutputSchema("id long")
                            .setStateSchema("seen long")
                            .setOutputMode("Update")
                            .setTimeoutConf("NoTimeout"))
                    .build()))
        .contains("Python user-defined functions")
        .contains("vxconnect.python.enabled");
    assertThat(
            refusedRelation(
                "relation common_inline_user_defined_table_function",
                Relation.newBuilder()
                    .setCommonInlineUserDefinedTableFunction(pythonUdtf())
                    .build()))
        .contains("Python user-defined table functions")
        .contains("vxconnect.python.enabled");
    assertThat(
            refusedRelation(
                "relation common_inline_user_defined_data_source",
                Relation.newBuilder()
                    .setCommonInlineUserDefinedDataSource(pythonDataSource())
                    .build()))
        .contains("Python data sources")
        .contains("vxconnect.python.enabled");
  }

  /**
   * mapInPandas, applyInPandas and cogrouped applyInPandas: the same relations as the typed
   * Dataset API's (TypedDatasetE2ETest), with a Python function instead of a JVM one.
   */
  @Test
  void typedRelationsWithAPythonFunction() throws Exception {
    Plan mapInPandas =
        Plan.newBuilder()
            .setRoot(
                Relation.newBuilder()
                    .setMapPartitions(
                        MapPartitions.newBuilder().setInput(range(3)).setFunc(pythonFunction())))
            .build();
    Plan applyInPandas =
        Plan.newBuilder()
            .setRoot(
                Relation.newBuilder()
                    .setGroupMap(
                        GroupMap.newBuilder()
                            .setInput(range(3))
                            .addGroupingExpressions(id())
                            .setFunc(pythonFunction())))
            .build();
    Plan cogrouped =
        Plan.newBuilder()
            .setRoot(
                Relation.newBuilder()
                    .setCoGroupMap(
                        CoGroupMap.newBuilder()
                            .setInput(range(3))
                            .addInputGroupingExpressions(id())
                            .setOther(range(2))
                            .addOtherGroupingExpressions(id())
                            .setFunc(pythonFunction())))
            .build();
    for (Plan plan : new Plan[] {mapInPandas, applyInPandas, cogrouped}) {
      assertThat(refused(plan, NamedErrors.FEATURE_NOT_ENABLED))
          .contains("Python user-defined functions")
          .contains("vxconnect.python.enabled");
    }
  }

  @Test
  void pythonOnlyCommands() throws Exception {
    assertThat(
            refusedCommand(
                "command register_table_function",
                Command.newBuilder().setRegisterTableFunction(pythonUdtf()).build()))
        .contains("Python user-defined table functions");
    assertThat(
            refusedCommand(
                "command register_data_source",
                Command.newBuilder().setRegisterDataSource(pythonDataSource()).build()))
        .contains("Python data sources");
  }

  @Test
  void extensionsWithoutAPlugin() throws Exception {
    assertThat(
            refusedRelation(
                "relation extension", Relation.newBuilder().setExtension(extension()).build()))
        .contains("spark.connect.extensions.relation.classes")
        .contains("type.googleapis.com/spark.connect.Range");
    Relation project =
        Relation.newBuilder()
            .setProject(
                Project.newBuilder()
                    .setInput(range(3))
                    .addExpressions(Expression.newBuilder().setExtension(extension())))
            .build();
    assertThat(refusedRelation("expression extension", project))
        .contains("spark.connect.extensions.expression.classes");
    assertThat(
            refusedCommand(
                "command extension", Command.newBuilder().setExtension(extension()).build()))
        .contains("spark.connect.extensions.command.classes");
  }

  @Test
  void unknownRelation() throws Exception {
    Relation unknown = Relation.newBuilder().setUnknown(Unknown.getDefaultInstance()).build();
    assertThat(refusedRelation("relation unknown", unknown))
        .contains("reserved by the protocol for tests");
    // Nested as well: under a projection.
    Relation nested =
        Relation.newBuilder()
            .setProject(Project.newBuilder().setInput(unknown).addExpressions(id()))
            .build();
    refusedRelation("relation unknown", nested);
  }

  @Test
  void resourceProfileOnALocalMaster() throws Exception {
    Command create =
        Command.newBuilder()
            .setCreateResourceProfileCommand(
                CreateResourceProfileCommand.newBuilder()
                    .setProfile(
                        ResourceProfile.newBuilder()
                            .putTaskResources(
                                "cpus",
                                TaskResourceRequest.newBuilder()
                                    .setResourceName("cpus")
                                    .setAmount(1)
                                    .build())))
            .build();
    assertThat(refusedCommand("command create_resource_profile_command", create))
        .contains("cannot create the resource profile")
        .contains("Standalone");
  }
}
