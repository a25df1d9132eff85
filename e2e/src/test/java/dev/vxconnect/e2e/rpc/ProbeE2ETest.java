package dev.vxconnect.e2e.rpc;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.*;
import org.junit.jupiter.api.Test;
import org.sparkproject.com.google.protobuf.Any;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.io.grpc.StatusRuntimeException;

class ProbeE2ETest extends ServerTestBase {

  static final String SESSION = RawGrpc.newSessionId();

  static Relation range(long n) {
    return Relation.newBuilder().setRange(Range.newBuilder().setEnd(n).setStep(1)).build();
  }
  static Expression attr(String n) {
    return Expression.newBuilder().setUnresolvedAttribute(Expression.UnresolvedAttribute.newBuilder().setUnparsedIdentifier(n)).build();
  }
  static Expression lit(int v) {
    return Expression.newBuilder().setLiteral(Expression.Literal.newBuilder().setInteger(v)).build();
  }
  static Expression slit(String v) {
    return Expression.newBuilder().setLiteral(Expression.Literal.newBuilder().setString(v)).build();
  }
  static CommonInlineUserDefinedFunction pyUdf() {
    return CommonInlineUserDefinedFunction.newBuilder().setFunctionName("f").setDeterministic(true)
        .addArguments(attr("id"))
        .setPythonUdf(PythonUDF.newBuilder().setOutputType(DataType.newBuilder().setLong(DataType.Long.getDefaultInstance()))
            .setEvalType(201).setCommand(ByteString.copyFromUtf8("pickled")).setPythonVer("3.11")).build();
  }
  static Relation project(Expression e) {
    return Relation.newBuilder().setProject(Project.newBuilder().setInput(range(3)).addExpressions(e)).build();
  }

  void run(RawGrpc grpc, String name, Plan plan) {
    try {
      List<ExecutePlanResponse> out = new ArrayList<>();
      grpc.stub().executePlan(ExecutePlanRequest.newBuilder().setSessionId(SESSION)
          .setUserContext(RawGrpc.user("probe")).setPlan(plan).build()).forEachRemaining(out::add);
      StringBuilder sb = new StringBuilder();
      for (ExecutePlanResponse r : out) {
        sb.append(r.getResponseTypeCase()).append(r.hasArrowBatch() ? "(" + r.getArrowBatch().getRowCount() + ")" : "").append(' ');
        if (!r.hasArrowBatch() && !r.hasSchema() && !r.hasMetrics() && !r.hasResultComplete()) sb.append(r.toString().replace('\n', ' ')).append(' ');
      }
      System.out.println("PROBE " + name + " OK " + sb);
    } catch (StatusRuntimeException e) {
      System.out.println("PROBE " + name + " FAIL " + e.getStatus().getCode() + " " + RawGrpc.errorClass(e).orElse("-") + " :: " + e.getStatus().getDescription());
    }
  }
  void rel(RawGrpc g, String n, Relation r) { run(g, n, Plan.newBuilder().setRoot(r).build()); }
  void cmd(RawGrpc g, String n, Command c) { run(g, n, Plan.newBuilder().setCommand(c).build()); }

  @Test
  void probe() throws Exception {
    try (RawGrpc g = new RawGrpc(server().port())) {
      rel(g, "map_partitions", Relation.newBuilder().setMapPartitions(MapPartitions.newBuilder().setInput(range(3)).setFunc(pyUdf())).build());
      rel(g, "group_map", Relation.newBuilder().setGroupMap(GroupMap.newBuilder().setInput(range(3)).addGroupingExpressions(attr("id")).setFunc(pyUdf())).build());
      rel(g, "co_group_map", Relation.newBuilder().setCoGroupMap(CoGroupMap.newBuilder().setInput(range(3)).addInputGroupingExpressions(attr("id")).setOther(range(2)).addOtherGroupingExpressions(attr("id")).setFunc(pyUdf())).build());
      rel(g, "apply_in_pandas_with_state", Relation.newBuilder().setApplyInPandasWithState(ApplyInPandasWithState.newBuilder().setInput(range(3)).addGroupingExpressions(attr("id")).setFunc(pyUdf()).setOutputSchema("id long").setStateSchema("c long").setOutputMode("Update").setTimeoutConf("NoTimeout")).build());
      rel(g, "html_string", Relation.newBuilder().setHtmlString(HtmlString.newBuilder().setInput(range(3)).setNumRows(2).setTruncate(20)).build());
      rel(g, "cached_local_relation", Relation.newBuilder().setCachedLocalRelation(CachedLocalRelation.newBuilder().setHash("00ab")).build());
      rel(g, "udtf", Relation.newBuilder().setCommonInlineUserDefinedTableFunction(CommonInlineUserDefinedTableFunction.newBuilder().setFunctionName("t").setPythonUdtf(PythonUDTF.newBuilder().setEvalType(300).setCommand(ByteString.copyFromUtf8("x")).setPythonVer("3.11"))).build());
      rel(g, "as_of_join", Relation.newBuilder().setAsOfJoin(AsOfJoin.newBuilder().setLeft(range(5)).setRight(range(3)).setLeftAsOf(attr("id")).setRightAsOf(attr("id")).addUsingColumns("id").setJoinType("inner").setAllowExactMatches(true).setDirection("backward")).build());
      rel(g, "data_source", Relation.newBuilder().setCommonInlineUserDefinedDataSource(CommonInlineUserDefinedDataSource.newBuilder().setName("ds").setPythonDataSource(PythonDataSource.newBuilder().setCommand(ByteString.copyFromUtf8("x")).setPythonVer("3.11"))).build());
      rel(g, "rel_extension", Relation.newBuilder().setExtension(Any.pack(Range.newBuilder().setEnd(3).build())).build());
      rel(g, "rel_unknown", Relation.newBuilder().setUnknown(Unknown.getDefaultInstance()).build());
      rel(g, "call_function", project(Expression.newBuilder().setCallFunction(CallFunction.newBuilder().setFunctionName("abs").addArguments(lit(-3))).build()));
      rel(g, "named_arg", project(Expression.newBuilder().setUnresolvedFunction(Expression.UnresolvedFunction.newBuilder().setFunctionName("mask")
          .addArguments(slit("AbCD123-@$#"))
          .addArguments(Expression.newBuilder().setNamedArgumentExpression(NamedArgumentExpression.newBuilder().setKey("upperChar").setValue(slit("Q"))))).build()));
      rel(g, "expr_extension", project(Expression.newBuilder().setExtension(Any.pack(Range.newBuilder().setEnd(3).build())).build()));
      cmd(g, "get_resources", Command.newBuilder().setGetResourcesCommand(GetResourcesCommand.getDefaultInstance()).build());
      cmd(g, "register_table_function", Command.newBuilder().setRegisterTableFunction(CommonInlineUserDefinedTableFunction.newBuilder().setFunctionName("t").setPythonUdtf(PythonUDTF.newBuilder().setEvalType(300).setCommand(ByteString.copyFromUtf8("x")).setPythonVer("3.11"))).build());
      cmd(g, "register_data_source", Command.newBuilder().setRegisterDataSource(CommonInlineUserDefinedDataSource.newBuilder().setName("ds").setPythonDataSource(PythonDataSource.newBuilder().setCommand(ByteString.copyFromUtf8("x")).setPythonVer("3.11"))).build());
      cmd(g, "create_resource_profile", Command.newBuilder().setCreateResourceProfileCommand(CreateResourceProfileCommand.newBuilder().setProfile(ResourceProfile.newBuilder().putTaskResources("cpus", TaskResourceRequest.newBuilder().setResourceName("cpus").setAmount(1).build()))).build());
      cmd(g, "remove_cached_remote", Command.newBuilder().setRemoveCachedRemoteRelationCommand(RemoveCachedRemoteRelationCommand.newBuilder().setRelation(CachedRemoteRelation.newBuilder().setRelationId("nope"))).build());
      cmd(g, "external", Command.newBuilder().setExecuteExternalCommand(ExecuteExternalCommand.newBuilder().setRunner("no.such.Runner").setCommand("x")).build());
      cmd(g, "pipeline_create", Command.newBuilder().setPipelineCommand(PipelineCommand.newBuilder().setCreateDataflowGraph(PipelineCommand.CreateDataflowGraph.newBuilder().setDefaultDatabase("default"))).build());
      cmd(g, "cmd_extension", Command.newBuilder().setExtension(Any.pack(Range.newBuilder().setEnd(3).build())).build());
      try {
        ConfigResponse r = g.stub().config(ConfigRequest.newBuilder().setSessionId(SESSION).setUserContext(RawGrpc.user("probe"))
            .setOperation(ConfigRequest.Operation.newBuilder().setGet(ConfigRequest.Get.newBuilder().addKeys("spark.sql.shuffle.partitions").addKeys("spark.sql.ansi.enabled"))).build());
        System.out.println("PROBE config_get OK " + r.getPairsList());
        r = g.stub().config(ConfigRequest.newBuilder().setSessionId(SESSION).setUserContext(RawGrpc.user("probe"))
            .setOperation(ConfigRequest.Operation.newBuilder().setGet(ConfigRequest.Get.newBuilder().addKeys("spark.sql.shuffle.partitions").addKeys("spark.vx.missing"))).build());
        System.out.println("PROBE config_get_missing OK " + r.getPairsList());
      } catch (StatusRuntimeException e) {
        System.out.println("PROBE config_get FAIL " + e.getStatus().getCode() + " " + RawGrpc.errorClass(e).orElse("-") + " :: " + e.getStatus().getDescription());
      }
    }
  }
}
