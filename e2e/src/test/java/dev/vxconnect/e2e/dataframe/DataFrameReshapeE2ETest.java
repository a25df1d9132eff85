package dev.vxconnect.e2e.dataframe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.posexplode_outer;
import static org.apache.spark.sql.functions.sum;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reshaping: generators, pivot, unpivot/melt, describe/summary, transpose. */
@Tag("client-matrix")
class DataFrameReshapeE2ETest extends E2ETestBase {

  private static Dataset<Row> nested(SparkSession s) {
    return s.sql(
        """
        select * from values
          (1, array(10, 20, 30), map('a', 1, 'b', 2)),
          (2, array(), map()),
          (3, null, null),
          (4, array(null, 40), map('c', null))
          as t(id, xs, m)""");
  }

  private static Dataset<Row> sales(SparkSession s) {
    return s.sql(
        """
        select * from values
          ('north', 'q1', 10), ('north', 'q2', 20), ('north', 'q2', 5),
          ('south', 'q1', 7), ('south', 'q3', 3), ('west', 'q4', null)
          as t(region, quarter, amount)""");
  }

  @Test
  void explodeArraysAndMaps() {
    check(s -> nested(s).select(col("id"), explode(col("xs")).as("x")));
    check(s -> nested(s).select(col("id"), explode_outer(col("xs")).as("x")));
    check(s -> nested(s).select(col("id"), explode(col("m"))));
    check(
        s ->
            nested(s).select(col("id"), explode_outer(col("m")).as(new String[] {"key", "value"})));
  }

  @Test
  void posexplodeArrays() {
    check(s -> nested(s).select(col("id"), posexplode(col("xs"))));
    check(
        s -> nested(s).select(col("id"), posexplode_outer(col("xs")).as(new String[] {"p", "v"})));
  }

  @Test
  void pivot() {
    check(s -> sales(s).groupBy("region").pivot("quarter").sum("amount"));
    check(
        s ->
            sales(s)
                .groupBy("region")
                .pivot("quarter", List.of("q1", "q2"))
                .agg(sum("amount").as("total")));
    check(s -> sales(s).groupBy("quarter").pivot(col("region")).count());
  }

  @Test
  void unpivotAndMelt() {
    check(
        s ->
            s.sql(
                    "select 1 as id, 10 as a, 20 as b, cast(null as int) as c union all select 2, 11, 21, 31")
                .unpivot(
                    new Column[] {col("id")},
                    new Column[] {col("a"), col("b"), col("c")},
                    "var",
                    "val"));
    check(
        s ->
            s.sql("select 1 as id, 10 as a, 20 as b union all select 2, 11, 21")
                .melt(new Column[] {col("id")}, "variable", "value"));
    check(
        s ->
            s.sql("select 'x' as k, 1.5d as m1, 2.5d as m2")
                .unpivot(new Column[] {col("k")}, "metric", "v"));
  }

  @Test
  void describeAndSummary() {
    check(s -> People.people(s).describe("age", "salary", "name"));
    check(s -> People.people(s).select("age", "salary").summary());
    check(s -> People.people(s).select("age").summary("count", "min", "25%", "50%", "max"));
  }

  @Test
  void transpose() {
    check(s -> s.sql("select * from values ('a', 1, 2), ('b', 3, 4) as t(k, x, y)").transpose());
    check(
        s ->
            s.sql("select * from values ('a', 1, 2), ('b', 3, 4) as t(k, x, y)")
                .transpose(col("k")));
  }
}
