package dev.vxconnect.e2e.protoonly;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.expr;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Protocol cases that PySpark sends and the official JVM client has no public API for: HtmlString
 * (a DataFrame's HTML rendering), AsOfJoin, CallFunction, named function arguments, a
 * CachedLocalRelation (how 4.0 clients send larger local data), Config {@code get} with several
 * keys and GetResourcesCommand. The server run sends them through the client's session
 * ({@link ConnectSide}); the oracle runs the classic Dataset methods Spark's planner maps them to
 * ({@link ClassicSide}) or the same SQL.
 */
class ProtoOnlyCasesE2ETest extends E2ETestBase {

  private static Dataset<Row> words(SparkSession s) {
    return s.sql(
        "select * from values (1, 'Ab<b>&1', 10), (2, 'x y z 2024', 20), (3, null, 30),"
            + " (4, 'a very long word indeed', 40) as t(n, s, v)");
  }

  @Test
  void htmlStringRendersLikeClassic() {
    checkValue(
        s ->
            isOracle()
                ? ClassicSide.htmlString(words(s), 3, 8)
                : ConnectSide.htmlString(words(s), 3, 8));
    checkValue(
        s ->
            isOracle()
                ? ClassicSide.htmlString(words(s), 10, 0)
                : ConnectSide.htmlString(words(s), 10, 0));
  }

  private static Dataset<Row> trades(SparkSession s) {
    return s.sql(
        "select * from values ('a', 1, 10.0), ('a', 5, 11.0), ('b', 2, 20.0), ('b', 9, 21.0),"
            + " ('c', 4, 30.0) as t(k, lt, price)");
  }

  private static Dataset<Row> quotes(SparkSession s) {
    return s.sql(
        "select * from values ('a', 0, 1), ('a', 4, 2), ('a', 5, 3), ('b', 3, 4), ('b', 8, 5)"
            + " as t(qk, rt, quote)");
  }

  private Dataset<Row> asOf(
      SparkSession s, String joinType, String tolerance, boolean exact, String direction) {
    AsOfJoinCase join =
        new AsOfJoinCase(
            trades(s), quotes(s), "lt", "rt", "k = qk", joinType, tolerance, exact, direction);
    return isOracle() ? ClassicSide.asOfJoin(join) : ConnectSide.asOfJoin(join);
  }

  @Test
  void asOfJoinBackwardForwardNearest() {
    check(s -> asOf(s, "left", "10", true, "backward"));
    check(s -> asOf(s, "inner", "10", false, "backward"));
    check(s -> asOf(s, "left", "2", true, "forward"));
    check(s -> asOf(s, "inner", "10", true, "nearest"));
  }

  @Test
  void callFunctionByName() {
    check(
        s ->
            isOracle()
                ? words(s)
                    .select(
                        call_function("format_string", ClassicSide.columns("'%d:%s'", "n", "s"))
                            .as("f"))
                : ConnectSide.callFunction(words(s), "f", "format_string", "'%d:%s'", "n", "s"));
    check(
        s ->
            isOracle()
                ? words(s).select(call_function("abs", expr("n - 3")).as("a"))
                : ConnectSide.callFunction(words(s), "a", "abs", "n - 3"));
  }

  @Test
  void namedFunctionArguments() {
    Map<String, String> named = new LinkedHashMap<>();
    named.put("upperChar", "'Q'");
    named.put("digitChar", "'d'");
    check(
        s ->
            isOracle()
                ? words(s).selectExpr("mask(s, upperChar => 'Q', digitChar => 'd') as m")
                : ConnectSide.namedArguments(words(s), "m", "mask", "s", named));
    // A named argument the function does not have: the same error.
    checkError(
        s ->
            isOracle()
                ? words(s).selectExpr("mask(s, noSuchArgument => 'Q') as m")
                : ConnectSide.namedArguments(
                    words(s), "m", "mask", "s", Map.of("noSuchArgument", "'Q'")));
  }

  @Test
  void cachedLocalRelation() {
    check(
        s ->
            isOracle()
                ? words(s)
                    .sparkSession()
                    .createDataFrame(words(s).collectAsList(), words(s).schema())
                : ConnectSide.throughCachedLocalRelation(
                    s.createDataFrame(words(s).collectAsList(), words(s).schema())));
  }

  @Test
  void configGetOfSeveralKeys() {
    List<String> keys =
        List.of(
            "spark.sql.shuffle.partitions",
            "spark.sql.ansi.enabled",
            "spark.vxtest.get.custom",
            "spark.sql.session.timeZone");
    checkValue(
        s -> {
          s.conf().set("spark.sql.shuffle.partitions", "9");
          s.conf().set("spark.vxtest.get.custom", "custom-value");
          s.conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
          if (!isOracle()) {
            return ConnectSide.confGet(s, keys);
          }
          List<String> pairs = new ArrayList<>();
          keys.forEach(k -> pairs.add(k + "=" + s.conf().get(k)));
          return pairs;
        });
    // A key that is not set and has no default: the same error condition and SQL state as classic
    // conf.get (the client's Config call turns it into a plain SparkException, whichever server).
    checkCondition(
        s ->
            isOracle()
                ? s.conf().get("spark.vxtest.get.missing")
                : ConnectSide.confGet(
                    s, List.of("spark.sql.shuffle.partitions", "spark.vxtest.get.missing")));
  }

  @Test
  void getResourcesOfTheDriver() {
    checkValue(s -> isOracle() ? ClassicSide.resourceNames(s) : ConnectSide.resourceNames(s));
  }
}
