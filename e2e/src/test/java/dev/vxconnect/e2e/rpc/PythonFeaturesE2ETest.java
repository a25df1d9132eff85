package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.testkit.plans.Relations;
import org.apache.spark.connect.proto.CommonInlineUserDefinedFunction;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.PythonUDF;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.Relation;
import org.junit.jupiter.api.Test;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * Python-only features (here a Python UDF, as PySpark sends it) need a Python worker on the
 * executors; this server has none unless vxconnect.python.enabled, so it answers a named error
 * saying what is missing instead of failing inside Spark.
 */
class PythonFeaturesE2ETest extends ServerTestBase {

  @Test
  void pythonUdfIsRefusedWithANamedError() throws Exception {
    Expression udf =
        Expression.newBuilder()
            .setCommonInlineUserDefinedFunction(
                CommonInlineUserDefinedFunction.newBuilder()
                    .setFunctionName("plus_one")
                    .setDeterministic(true)
                    .addArguments(
                        Expression.newBuilder()
                            .setUnresolvedAttribute(
                                Expression.UnresolvedAttribute.newBuilder()
                                    .setUnparsedIdentifier("id")))
                    .setPythonUdf(
                        PythonUDF.newBuilder()
                            .setOutputType(
                                DataType.newBuilder().setLong(DataType.Long.getDefaultInstance()))
                            .setEvalType(100)
                            .setCommand(ByteString.copyFromUtf8("pickled"))
                            .setPythonVer("3.11")))
            .build();
    Plan plan =
        Relations.projection(
            Relation.newBuilder().setRange(Range.newBuilder().setEnd(3).setStep(1)).build(), udf);
    try (RawGrpc grpc = new RawGrpc(server().port())) {
      StatusRuntimeException failure =
          grpc.executionFailure(RawGrpc.newSessionId(), RawGrpc.user("erin"), plan);
      assertThat(failure).isNotNull();
      assertThat(RawGrpc.errorClass(failure)).contains("FEATURE_NOT_ENABLED");
      assertThat(failure.getStatus().getDescription())
          .contains("Python user-defined functions")
          .contains("vxconnect.python.enabled");
    }
  }
}
