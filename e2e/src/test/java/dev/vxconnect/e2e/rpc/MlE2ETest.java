package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.testkit.plans.MlPlans;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Filter;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.Test;

/**
 * Spark ML over Connect (ml.proto), as PySpark's ML client drives it — the JVM client has no ML
 * API: a VectorAssembler transformer and a LogisticRegression fit on the server, the fitted model
 * cached in the session by reference, then used to transform data.
 */
class MlE2ETest extends ServerTestBase {

  private final UserContext user = RawGrpc.user("frank");
  private final String session = RawGrpc.newSessionId();

  private static Relation sql(String query) {
    return Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query)).build();
  }

  /** (label, x) rows whose label is 1 exactly when x > 10, with a wide gap: separable. */
  private static final Relation TRAINING =
      sql(
          "select cast(id > 10 as double) as label,"
              + " cast(id as double) as x from range(22) where id < 6 or id > 15");

  private List<ExecutePlanResponse> execute(RawGrpc grpc, Plan plan) {
    List<ExecutePlanResponse> responses = new ArrayList<>();
    grpc.stub()
        .executePlan(
            ExecutePlanRequest.newBuilder()
                .setSessionId(session)
                .setUserContext(user)
                .setPlan(plan)
                .build())
        .forEachRemaining(responses::add);
    return responses;
  }

  @Test
  void fitThenTransformWithTheCachedModel() throws Exception {
    try (RawGrpc grpc = new RawGrpc(server().port())) {
      MlCommand fit =
          MlPlans.fit(
              "org.apache.spark.ml.classification.LogisticRegression",
              "lr",
              MlParams.newBuilder()
                  .putParams("maxIter", Expression.Literal.newBuilder().setInteger(50).build())
                  .build(),
              MlPlans.assembled(TRAINING, "x"));
      ExecutePlanResponse fitted =
          execute(
                  grpc,
                  Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(fit)).build())
              .stream()
              .filter(ExecutePlanResponse::hasMlCommandResult)
              .findFirst()
              .orElseThrow();
      String model = fitted.getMlCommandResult().getOperatorInfo().getObjRef().getId();
      assertThat(model).as("the fitted model's reference").isNotEmpty();

      Relation predictions =
          Relation.newBuilder()
              .setMlRelation(
                  MlRelation.newBuilder()
                      .setTransform(
                          MlRelation.Transform.newBuilder()
                              .setObjRef(ObjectRef.newBuilder().setId(model))
                              .setInput(MlPlans.assembled(TRAINING, "x"))))
              .build();
      Relation wrong =
          Relation.newBuilder()
              .setFilter(
                  Filter.newBuilder()
                      .setInput(predictions)
                      .setCondition(
                          Expression.newBuilder()
                              .setExpressionString(
                                  Expression.ExpressionString.newBuilder()
                                      .setExpression("prediction != label"))))
              .build();
      List<ExecutePlanResponse> misclassified =
          execute(grpc, Plan.newBuilder().setRoot(wrong).build());
      assertThat(misclassified).anyMatch(ExecutePlanResponse::hasArrowBatch);
      assertThat(
              misclassified.stream()
                  .filter(ExecutePlanResponse::hasArrowBatch)
                  .mapToLong(r -> r.getArrowBatch().getRowCount())
                  .sum())
          .as("training points the fitted model gets wrong")
          .isZero();
      List<ExecutePlanResponse> all = execute(grpc, Plan.newBuilder().setRoot(predictions).build());
      assertThat(all.get(0).getSchema().getStruct().getFieldsList())
          .extracting(f -> f.getName())
          .contains("features", "prediction", "probability");
    }
  }
}
