package dev.vxconnect.e2e.dataframe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DataFrame joins through the API and set operations. */
@Tag("client-matrix")
class DataFrameJoinsSetOpsE2ETest extends E2ETestBase {

  private static Dataset<Row> left(SparkSession s) {
    return s.sql(
        "select * from values (1, 'a'), (2, 'b'), (2, 'bb'), (3, 'c'), (null, 'n') as t(k, lv)");
  }

  private static Dataset<Row> right(SparkSession s) {
    return s.sql(
        "select * from values (2, 'X'), (3, 'Y'), (3, 'YY'), (4, 'Z'), (null, 'N') as t(k, rv)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "inner",
        "left",
        "right",
        "full",
        "left_semi",
        "left_anti",
        "outer",
        "leftouter",
        "semi",
        "anti"
      })
  void joinTypesWithCondition(String joinType) {
    check(
        s -> {
          Dataset<Row> l = left(s);
          Dataset<Row> r = right(s);
          Dataset<Row> joined = l.join(r, l.col("k").equalTo(r.col("k")), joinType);
          // The JVM client cannot turn rows with two columns of the same name into Rows (its Arrow
          // reader looks fields up by name), whichever server it talks to: the keys are renamed.
          return joinType.contains("semi") || joinType.contains("anti")
              ? joined.select(l.col("k").as("lk"), col("lv"))
              : joined.select(l.col("k").as("lk"), col("lv"), r.col("k").as("rk"), col("rv"));
        });
  }

  @Test
  void joinOnColumnNames() {
    check(s -> left(s).join(right(s), "k"));
    check(s -> left(s).join(right(s), new String[] {"k"}, "full"));
    check(s -> left(s).join(right(s), "k", "left").select("k", "rv"));
  }

  @Test
  void joinWithComplexCondition() {
    check(
        s -> {
          Dataset<Row> l = left(s).alias("l");
          Dataset<Row> r = right(s).alias("r");
          return l.join(r, col("l.k").leq(col("r.k")).and(col("r.rv").notEqual("ZZ")), "left")
              .select(col("l.k").as("lk"), col("lv"), col("r.k").as("rk"), col("rv"));
        });
  }

  @Test
  void crossJoin() {
    check(s -> left(s).crossJoin(right(s).select("rv")));
    check(s -> s.range(3).crossJoin(s.range(4).toDF("other")).selectExpr("id * 10 + other as v"));
  }

  @Test
  void unionAndUnionByName() {
    check(s -> left(s).union(right(s)));
    check(s -> left(s).unionAll(left(s)));
    check(s -> left(s).select("lv", "k").unionByName(left(s)));
    check(
        s ->
            left(s)
                .unionByName(
                    right(s).withColumnRenamed("rv", "other").withColumn("extra", lit(true)),
                    true));
  }

  @Test
  void intersectAndExcept() {
    check(s -> left(s).select("k").intersect(right(s).select("k")));
    check(s -> left(s).select("k").intersectAll(right(s).select("k")));
    check(s -> left(s).select("k").except(right(s).select("k")));
    check(s -> left(s).select("k").exceptAll(right(s).select("k").limit(0)));
  }

  @Test
  void joinThenAggregate() {
    check(
        s -> {
          Dataset<Row> p = People.people(s);
          Dataset<Row> c = People.cities(s);
          return p.join(c, p.col("city").equalTo(c.col("city")), "left")
              .groupBy(c.col("country"))
              .count();
        });
  }
}
