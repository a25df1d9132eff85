package dev.vxconnect.e2e.dataframe;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.spark_partition_id;

import dev.vxconnect.e2e.support.Captured;
import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Relations and expressions the other DataFrame scenarios do not send: sampling, tail, show, column
 * regexes, watermarks on batch data, table-valued functions, function calls by name, placement
 * by partition id, parsing a Dataset of strings, subqueries and lateral joins.
 */
class DataFrameMoreRelationsE2ETest extends E2ETestBase {

  /** Explicit partitions: a seeded sample depends on them. */
  private static Dataset<Row> numbers(SparkSession s) {
    return s.range(0, 200, 1, 2).withColumn("k", col("id").mod(3));
  }

  @Test
  void seededSamples() {
    check(s -> numbers(s).sample(false, 0.3, 7));
    check(s -> numbers(s).sample(true, 0.5, 11));
    check(s -> numbers(s).stat().sampleBy("k", Map.of(0L, 0.5, 1L, 0.2), 42L));
  }

  @Test
  void tailAndShow() {
    checkValue(s -> numbers(s).orderBy("id").tail(4));
    // The classic Dataset prints one more line break after "only showing top n rows" than the
    // client does (whatever the server): the tables are compared without trailing blank lines.
    checkValue(s -> Captured.stdout(() -> People.people(s).orderBy("id").show(3)).stripTrailing());
    checkValue(
        s ->
            Captured.stdout(() -> People.people(s).orderBy("id").show(2, 4, true)).stripTrailing());
  }

  @Test
  void columnsByRegex() {
    check(
        s -> {
          Dataset<Row> people = People.people(s);
          return people.select(people.colRegex("`(id|na.*)`"));
        });
  }

  @Test
  void watermarkOnBatchDataIsANoOp() {
    check(
        s ->
            People.people(s)
                .withColumn("ts", col("joined").cast("timestamp"))
                .withWatermark("ts", "1 day")
                .select("id", "ts"));
  }

  @Test
  void tableValuedFunctions() {
    check(s -> s.tvf().range(3, 9, 2).toDF());
    check(s -> s.tvf().explode(array(lit(1), lit(2), lit(3))));
    check(s -> s.tvf().posexplode(array(lit("a"), lit("b"))));
    check(s -> s.sql("select * from range(4) join explode(array(10, 20)) as t(v)"));
  }

  @Test
  void functionsCalledByName() {
    check(
        s ->
            People.people(s)
                .select(
                    col("id"),
                    call_function("upper", col("name")).as("up"),
                    call_function("abs", col("age").minus(40)).as("dist")));
  }

  @Test
  void rowsPlacedByPartitionId() {
    check(
        s ->
            s.range(0, 30, 1, 2)
                .repartitionById(3, col("id").mod(3).cast("int"))
                .select(spark_partition_id().as("p"), col("id")));
  }

  @Test
  void jsonAndCsvParsedFromStrings() {
    check(
        s ->
            s.read()
                .json(
                    s.createDataset(
                        List.of("{\"a\": 1, \"b\": \"x\"}", "{\"a\": 2}", "{\"b\": \"z\"}"),
                        Encoders.STRING())));
    check(
        s ->
            s.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(s.createDataset(List.of("n,name", "1,one", "2,two"), Encoders.STRING())));
  }

  @Test
  void scalarAndExistsSubqueries() {
    check(
        s -> {
          Dataset<Row> people = People.people(s);
          return people
              .where(col("age").equalTo(people.select(max("age")).scalar()))
              .select("id", "name");
        });
    check(
        s -> {
          Dataset<Row> people = People.people(s).as("p");
          Dataset<Row> cities = People.cities(s).as("c");
          return people
              .where(cities.where(col("c.city").equalTo(col("p.city").outer())).exists())
              .select("p.id");
        });
  }

  @Test
  void lateralJoin() {
    check(
        s -> {
          Dataset<Row> people = People.people(s).as("p");
          return people
              .lateralJoin(s.range(2).select(col("id").plus(col("p.age").outer()).as("later")))
              .select("p.id", "later");
        });
  }
}
