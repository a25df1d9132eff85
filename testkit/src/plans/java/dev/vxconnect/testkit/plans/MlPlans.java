package dev.vxconnect.testkit.plans;

import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.Relation;

/**
 * ML commands as PySpark's client sends them (the JVM client has no ML API): the tests that need a
 * fitted model in a session send these, over raw gRPC (e2e) or to the planner (planner tests).
 */
public final class MlPlans {

  private MlPlans() {}

  public static Expression.Literal string(String value) {
    return Expression.Literal.newBuilder().setString(value).build();
  }

  /** An array of strings, as ML params such as {@code inputCols} take. */
  public static Expression.Literal strings(String... values) {
    Expression.Literal.Array.Builder array =
        Expression.Literal.Array.newBuilder()
            .setElementType(DataType.newBuilder().setString(DataType.String.getDefaultInstance()));
    for (String value : values) {
      array.addElements(string(value));
    }
    return Expression.Literal.newBuilder().setArray(array).build();
  }

  /** {@code input} with its {@code columns} assembled into a vector column named "features". */
  public static Relation assembled(Relation input, String... columns) {
    return Relation.newBuilder()
        .setMlRelation(
            MlRelation.newBuilder()
                .setTransform(
                    MlRelation.Transform.newBuilder()
                        .setTransformer(
                            MlOperator.newBuilder()
                                .setName("org.apache.spark.ml.feature.VectorAssembler")
                                .setUid("assembler")
                                .setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER))
                        .setInput(input)
                        .setParams(
                            MlParams.newBuilder()
                                .putParams("inputCols", strings(columns))
                                .putParams("outputCol", string("features")))))
        .build();
  }

  /** Fits the estimator of class {@code estimator} with {@code params} on {@code dataset}. */
  public static MlCommand fit(String estimator, String uid, MlParams params, Relation dataset) {
    return MlCommand.newBuilder()
        .setFit(
            MlCommand.Fit.newBuilder()
                .setEstimator(
                    MlOperator.newBuilder()
                        .setName(estimator)
                        .setUid(uid)
                        .setType(MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
                .setParams(params)
                .setDataset(dataset))
        .build();
  }

  /**
   * Fits a MinMaxScaler on the column {@code x} of {@code numbers}; the fitted model stays in the
   * session's ML cache.
   */
  public static MlCommand fitScaler(Relation numbers) {
    return fit(
        "org.apache.spark.ml.feature.MinMaxScaler",
        "scaler",
        MlParams.newBuilder()
            .putParams("inputCol", string("features"))
            .putParams("outputCol", string("scaled"))
            .build(),
        assembled(numbers, "x"));
  }
}
