package dev.vxconnect.e2e.dataframe;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** DataFrame transformation chains: projections, filters, columns, aggregation, ordering. */
@Tag("client-matrix")
class DataFrameBasicsE2ETest extends E2ETestBase {

  @Test
  void selectAndFilter() {
    check(
        s ->
            People.people(s)
                .select(col("name"), col("age").plus(1).as("next_age"))
                .filter(col("age").gt(30)));
    check(s -> People.people(s).where("city = 'Paris' and salary > 5000").select("id", "name"));
    check(s -> People.people(s).filter(col("city").isNull().or(col("age").isNull())));
    check(s -> People.people(s).filter(col("name").isin("Alice", "Bob", "Zed")).select(col("*")));
  }

  @Test
  void withColumnRenameAndDrop() {
    check(
        s ->
            People.people(s)
                .withColumn("salary_k", col("salary").divide(1000))
                .withColumn("senior", col("age").geq(40))
                .withColumnRenamed("name", "full_name")
                .drop("joined", "city"));
    Map<String, Column> added = new LinkedHashMap<>();
    added.put("a", lit(1));
    added.put("b", col("id").multiply(10));
    check(s -> People.people(s).withColumns(added).drop(col("salary")));
    Map<String, String> renames = new LinkedHashMap<>();
    renames.put("id", "person_id");
    renames.put("age", "years");
    check(s -> People.people(s).withColumnsRenamed(renames).select("person_id", "years"));
  }

  @Test
  void selectExprAndExpressions() {
    check(
        s ->
            People.people(s)
                .selectExpr(
                    "id",
                    "upper(name) as up",
                    "age * 2 as double_age",
                    "salary is null as no_salary",
                    "year(joined) as y"));
    check(
        s ->
            People.people(s)
                .select(
                    expr("concat_ws('-', name, city)").as("label"),
                    expr("abs(age - 40)").as("dist")));
  }

  @Test
  void whenOtherwiseAndCast() {
    check(
        s ->
            People.people(s)
                .select(
                    col("id"),
                    when(col("age").lt(30), "young")
                        .when(col("age").lt(45), "middle")
                        .otherwise("senior")
                        .as("band"),
                    col("salary").cast("int").as("salary_int"),
                    col("age").cast(DataTypes.StringType).as("age_str"),
                    col("joined").cast("timestamp").as("joined_ts"),
                    col("id").cast("double").as("id_d"),
                    lit("123").cast("bigint").as("parsed")));
  }

  @Test
  void groupByAndAgg() {
    check(
        s ->
            People.people(s)
                .groupBy("city")
                .agg(
                    count("*").as("n"),
                    sum("salary").as("total"),
                    avg("age").as("avg_age"),
                    min("joined").as("first_join"),
                    max("name").as("last_name"),
                    countDistinct("age").as("ages")));
    check(s -> People.people(s).groupBy(col("city"), col("age").geq(40).as("senior")).count());
    check(s -> People.people(s).agg(sum("age"), max("salary")));
    Map<String, String> aggs = new LinkedHashMap<>();
    aggs.put("age", "max");
    aggs.put("salary", "sum");
    check(s -> People.people(s).groupBy("city").agg(aggs));
  }

  @Test
  void orderByLimitOffset() {
    checkOrdered(s -> People.people(s).orderBy(col("age").desc_nulls_last(), col("id")).limit(5));
    checkOrdered(
        s -> People.people(s).sort(col("city").asc_nulls_first(), col("name").desc()).offset(3));
    checkOrdered(s -> People.people(s).orderBy("id").offset(2).limit(3));
    check(s -> People.people(s).limit(0));
  }

  @Test
  void distinctAndDropDuplicates() {
    check(s -> People.people(s).select("city").distinct());
    check(s -> People.people(s).select("age", "city").dropDuplicates());
    check(s -> People.people(s).dropDuplicates("city").select("city"));
    check(s -> People.people(s).dropDuplicates("age", "salary").select("age", "salary"));
  }

  @Test
  void aliasAndSelfJoin() {
    check(
        s -> {
          var a = People.people(s).alias("a");
          var b = People.people(s).as("b");
          return a.join(b, col("a.city").equalTo(col("b.city")).and(col("a.id").lt(col("b.id"))))
              .select(col("a.name").as("first"), col("b.name").as("second"), col("a.city"));
        });
  }

  @Test
  void hints() {
    check(
        s ->
            People.people(s)
                .join(People.cities(s).hint("broadcast"), "city")
                .select("name", "country"));
    check(s -> People.people(s).hint("rebalance").select("id"));
    check(
        s ->
            People.people(s)
                .join(People.cities(s).hint("shuffle_hash"), "city")
                .select("name", "population"));
  }

  @Test
  void repartitionAndCoalesce() {
    check(s -> People.people(s).repartition(3).select("id", "name"));
    check(s -> People.people(s).repartition(4, col("city")).groupBy("city").count());
    check(s -> People.people(s).repartitionByRange(2, col("age")).select("id", "age"));
    check(s -> People.people(s).coalesce(1).filter(col("id").gt(2)));
    check(s -> s.range(0, 1000, 1, 7).coalesce(2).selectExpr("sum(id) as total", "count(*) as n"));
  }

  @Test
  void toDfAndColumnsRenaming() {
    check(s -> People.people(s).select("id", "name").toDF("k", "v"));
    check(s -> s.range(5).toDF("n").selectExpr("n", "n * n as sq"));
  }

  @Test
  void transformChains() {
    check(
        s ->
            People.people(s)
                .filter("age is not null")
                .withColumn("decade", expr("floor(age / 10) * 10"))
                .groupBy("decade")
                .agg(count("*").as("n"), avg("salary").as("avg_salary"))
                .filter(col("n").gt(1))
                .orderBy("decade"));
  }
}
