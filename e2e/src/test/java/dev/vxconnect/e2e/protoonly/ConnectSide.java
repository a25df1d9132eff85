package dev.vxconnect.e2e.protoonly;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.AsOfJoin;
import org.apache.spark.connect.proto.CallFunction;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.GetResourcesCommand;
import org.apache.spark.connect.proto.HtmlString;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.LocalRelation;
import org.apache.spark.connect.proto.NamedArgumentExpression;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * The server run's side of {@link ProtoOnlyCasesE2ETest}: protocol cases the official JVM client
 * has no public API for (PySpark sends them), built as protocol messages and sent through the
 * client's own session with its internal entry points (newDataFrame, execute, config), so that
 * results and errors come back decoded by the client exactly as for its own calls. Only this
 * class touches the client's classes; the oracle run never loads it.
 */
final class ConnectSide {

  private ConnectSide() {}

  private static org.apache.spark.sql.connect.SparkSession session(SparkSession s) {
    return (org.apache.spark.sql.connect.SparkSession) s;
  }

  private static Relation root(Dataset<?> ds) {
    return ((org.apache.spark.sql.connect.Dataset<?>) ds).plan().getRoot();
  }

  private static Dataset<Row> relation(SparkSession s, Consumer<Relation.Builder> build) {
    return session(s)
        .newDataFrame(
            b -> {
              build.accept(b);
              return BoxedUnit.UNIT;
            });
  }

  private static Expression sql(String expression) {
    return Expression.newBuilder()
        .setExpressionString(Expression.ExpressionString.newBuilder().setExpression(expression))
        .build();
  }

  private static Expression alias(Expression e, String name) {
    return Expression.newBuilder()
        .setAlias(Expression.Alias.newBuilder().setExpr(e).addName(name))
        .build();
  }

  private static Dataset<Row> project(Dataset<Row> input, Expression... expressions) {
    return relation(
        input.sparkSession(),
        b ->
            b.setProject(
                Project.newBuilder()
                    .setInput(root(input))
                    .addAllExpressions(List.of(expressions))));
  }

  static String htmlString(Dataset<Row> df, int numRows, int truncate) {
    return relation(
            df.sparkSession(),
            b ->
                b.setHtmlString(
                    HtmlString.newBuilder()
                        .setInput(root(df))
                        .setNumRows(numRows)
                        .setTruncate(truncate)))
        .collectAsList()
        .get(0)
        .getString(0);
  }

  static Dataset<Row> asOfJoin(AsOfJoinCase join) {
    return relation(
        join.left().sparkSession(),
        b ->
            b.setAsOfJoin(
                AsOfJoin.newBuilder()
                    .setLeft(root(join.left()))
                    .setRight(root(join.right()))
                    .setLeftAsOf(sql(join.leftAsOf()))
                    .setRightAsOf(sql(join.rightAsOf()))
                    .setJoinExpr(sql(join.on()))
                    .setJoinType(join.joinType())
                    .setTolerance(sql(join.tolerance()))
                    .setAllowExactMatches(join.allowExactMatches())
                    .setDirection(join.direction())));
  }

  static Dataset<Row> callFunction(
      Dataset<Row> input, String name, String function, String... args) {
    CallFunction.Builder call = CallFunction.newBuilder().setFunctionName(function);
    for (String arg : args) {
      call.addArguments(sql(arg));
    }
    return project(input, alias(Expression.newBuilder().setCallFunction(call).build(), name));
  }

  static Dataset<Row> namedArguments(
      Dataset<Row> input,
      String name,
      String function,
      String positional,
      Map<String, String> named) {
    Expression.UnresolvedFunction.Builder call =
        Expression.UnresolvedFunction.newBuilder()
            .setFunctionName(function)
            .addArguments(sql(positional));
    named.forEach(
        (key, value) ->
            call.addArguments(
                Expression.newBuilder()
                    .setNamedArgumentExpression(
                        NamedArgumentExpression.newBuilder().setKey(key).setValue(sql(value)))));
    return project(input, alias(Expression.newBuilder().setUnresolvedFunction(call).build(), name));
  }

  /** The same rows read back from a LocalRelation the client uploaded as a cached artifact. */
  static Dataset<Row> throughCachedLocalRelation(Dataset<Row> local) {
    Relation plan = root(local);
    if (!plan.hasLocalRelation()) {
      throw new IllegalStateException(
          "expected a local relation, the client sent " + plan.getRelTypeCase());
    }
    LocalRelation relation = plan.getLocalRelation();
    String hash =
        session(local.sparkSession())
            .client()
            .artifactManager()
            .cacheArtifact(relation.toByteArray());
    return relation(local.sparkSession(), b -> b.getCachedLocalRelationBuilder().setHash(hash));
  }

  /** Config's {@code get} operation with several keys, as "key=value". */
  static List<String> confGet(SparkSession s, List<String> keys) {
    ConfigResponse response =
        session(s)
            .client()
            .config(
                ConfigRequest.Operation.newBuilder()
                    .setGet(ConfigRequest.Get.newBuilder().addAllKeys(keys))
                    .build());
    List<String> pairs = new ArrayList<>();
    for (KeyValue pair : response.getPairsList()) {
      pairs.add(pair.getKey() + "=" + (pair.hasValue() ? pair.getValue() : null));
    }
    return pairs;
  }

  /** The names of the driver's resources, from GetResourcesCommand. */
  static List<String> resourceNames(SparkSession s) {
    List<ExecutePlanResponse> responses =
        CollectionConverters.asJava(
            session(s)
                .execute(
                    Command.newBuilder()
                        .setGetResourcesCommand(GetResourcesCommand.getDefaultInstance())
                        .build()));
    ExecutePlanResponse result =
        responses.stream()
            .filter(ExecutePlanResponse::hasGetResourcesCommandResult)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no GetResourcesCommandResult in " + responses));
    return new ArrayList<>(
        new TreeSet<>(result.getGetResourcesCommandResult().getResourcesMap().keySet()));
  }
}
