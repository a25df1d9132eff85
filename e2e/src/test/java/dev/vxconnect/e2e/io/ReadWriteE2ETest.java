package dev.vxconnect.e2e.io;

import static org.apache.spark.sql.functions.col;

import dev.vxconnect.e2e.support.Directories;
import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.Sneaky;
import dev.vxconnect.e2e.support.Warehouse;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes then reads back files and tables. Paths are under io-(oracle|server)/ in the target
 * directory, so the two runs never share files; the directory is emptied once per run.
 */
class ReadWriteE2ETest extends E2ETestBase {

  private static Path base() {
    return ServerProcess.targetDirectory().resolve("io-" + (isOracle() ? "oracle" : "server"));
  }

  private static String path(String name) {
    return base().resolve(name).toString();
  }

  /** What {@code read} gives from the data {@code write} wrote to {@code name}. */
  private static Dataset<Row> writtenThenRead(
      String name, Consumer<String> write, Function<String, Dataset<Row>> read) {
    write.accept(path(name));
    return read.apply(path(name));
  }

  @BeforeAll
  static void cleanBase() throws IOException {
    Path base = base();
    Directories.delete(base);
    Files.createDirectories(base);
  }

  private static Dataset<Row> sample(SparkSession s) {
    return s.sql(
        """
        select * from values
          (1, 'Alice', 34.5d, date'2020-01-01', timestamp'2020-01-01 10:00:00', cast(12.34 as decimal(10,2)), array(1, 2), 'a'),
          (2, 'Bob, Jr.', null, date'2021-06-15', null, cast(-5.00 as decimal(10,2)), array(), 'b'),
          (3, 'Ünïcödé "quoted"', -1.25d, null, timestamp'1999-12-31 23:59:59', null, null, 'a'),
          (4, null, 0.0d, date'2024-02-29', timestamp'2024-02-29 00:00:00', cast(0 as decimal(10,2)), array(3), 'c')
          as t(id, name, score, day, ts, amount, xs, part)""");
  }

  @Test
  void parquetRoundTrip() {
    check(
        s ->
            writtenThenRead(
                "parquet/basic",
                sample(s).write().mode(SaveMode.Overwrite)::parquet,
                s.read()::parquet));
    check(
        s ->
            s.read()
                .format("parquet")
                .load(path("parquet/basic"))
                .filter(col("id").gt(1))
                .select("id", "xs"));
  }

  @Test
  void partitionedParquet() {
    check(
        s ->
            writtenThenRead(
                "parquet/partitioned",
                sample(s).write().mode("overwrite").partitionBy("part")::parquet,
                s.read()::parquet));
    check(
        s ->
            s.read()
                .parquet(path("parquet/partitioned"))
                .filter("part = 'a'")
                .select("id", "part"));
    checkValue(
        s -> {
          try (Stream<Path> dirs = Files.list(Path.of(path("parquet/partitioned")))) {
            return dirs.map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("part="))
                .sorted()
                .toList();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void csvWithHeaderAndSchema() {
    check(
        s -> {
          sample(s)
              .drop("xs")
              .write()
              .mode("overwrite")
              .option("header", "true")
              .csv(path("csv/with_header"));
          return s.read()
              .option("header", "true")
              .schema(
                  "id INT, name STRING, score DOUBLE, day DATE, ts TIMESTAMP, amount DECIMAL(10,2), part STRING")
              .csv(path("csv/with_header"));
        });
    check(
        s ->
            s.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(path("csv/with_header")));
    check(s -> s.read().csv(path("csv/with_header")).filter(col("_c0").equalTo("id")).distinct());
  }

  @Test
  void csvOptions() {
    check(
        s -> {
          sample(s)
              .select("id", "name", "score")
              .write()
              .mode("overwrite")
              .option("sep", ";")
              .option("nullValue", "NULL")
              .option("quoteAll", "true")
              .csv(path("csv/options"));
          return s.read()
              .option("sep", ";")
              .option("nullValue", "NULL")
              .schema("id INT, name STRING, score DOUBLE")
              .csv(path("csv/options"));
        });
    check(s -> s.read().text(path("csv/options")));
  }

  @Test
  void jsonRoundTrip() {
    check(
        s ->
            writtenThenRead(
                "json/basic", sample(s).write().mode("overwrite")::json, s.read()::json));
    check(
        s ->
            s.read()
                .schema("id LONG, name STRING, xs ARRAY<INT>, nope STRING")
                .json(path("json/basic")));
    check(
        s -> {
          Dataset<Row> nested =
              s.sql(
                  "select named_struct('a', 1, 'b', array(named_struct('c', 'x'))) as nested, map('k', 1.5d) as m");
          return writtenThenRead(
              "json/nested", nested.write().mode("overwrite")::json, s.read()::json);
        });
  }

  @Test
  void orcAndTextRoundTrip() {
    check(
        s -> writtenThenRead("orc/basic", sample(s).write().mode("overwrite")::orc, s.read()::orc));
    check(
        s -> {
          Dataset<Row> lines =
              s.sql("select * from values ('line one'), ('line two ☃'), ('') as t(value)");
          return writtenThenRead(
              "text/basic", lines.write().mode("overwrite")::text, s.read()::text);
        });
  }

  @Test
  void saveModes() {
    check(
        s -> {
          s.range(3).write().mode("overwrite").parquet(path("modes/p"));
          s.range(3, 5).write().mode("append").parquet(path("modes/p"));
          s.range(100).write().mode("ignore").parquet(path("modes/p"));
          return s.read().parquet(path("modes/p"));
        });
    checkError(
        s -> {
          s.range(1).write().mode("errorifexists").parquet(path("modes/p"));
          return null;
        });
    checkError(s -> s.read().parquet(path("modes/does_not_exist")));
  }

  @Test
  void saveAsTableAndTable() {
    spark.sql("drop table if exists io_e2e_saved");
    Warehouse.deleteLeftovers(spark, "io_e2e_saved");
    check(
        s -> {
          sample(s).write().mode("overwrite").format("parquet").saveAsTable("io_e2e_saved");
          return s.table("io_e2e_saved");
        });
    check(
        s -> {
          sample(s).filter("id = 1").write().mode("append").saveAsTable("io_e2e_saved");
          return s.table("io_e2e_saved").groupBy("id").count();
        });
    check(
        s -> {
          sample(s).filter("id > 2").write().insertInto("io_e2e_saved");
          return s.sql("select id, count(*) as n from io_e2e_saved group by id");
        });
    checkError(
        s -> {
          sample(s).write().mode("errorifexists").saveAsTable("io_e2e_saved");
          return null;
        });
    spark.sql("drop table io_e2e_saved");
  }

  @Test
  void partitionedAndBucketedTable() {
    spark.sql("drop table if exists io_e2e_bucketed");
    Warehouse.deleteLeftovers(spark, "io_e2e_bucketed");
    check(
        s -> {
          sample(s)
              .write()
              .mode("overwrite")
              .partitionBy("part")
              .bucketBy(2, "id")
              .sortBy("id")
              .saveAsTable("io_e2e_bucketed");
          return s.table("io_e2e_bucketed").select("id", "name", "part");
        });
    check(s -> s.sql("show partitions io_e2e_bucketed"));
    spark.sql("drop table io_e2e_bucketed");
  }

  @Test
  void writerV2() {
    spark.sql("drop table if exists io_e2e_v2");
    Warehouse.deleteLeftovers(spark, "io_e2e_v2");
    check(
        s -> {
          Sneaky.run(() -> sample(s).writeTo("io_e2e_v2").using("parquet").create());
          return s.table("io_e2e_v2").select("id", "name");
        });
    // Spark's session catalog holds v1 tables: the v2 append is refused.
    checkError(
        s -> {
          Sneaky.run(() -> sample(s).filter("id < 3").writeTo("io_e2e_v2").append());
          return null;
        });
    check(s -> s.table("io_e2e_v2").groupBy("part").count());
    spark.sql("drop table io_e2e_v2");
  }

  @Test
  void inputFilesNormalised() {
    checkValue(
        s -> {
          s.range(0, 10, 1, 2).write().mode("overwrite").parquet(path("files/two"));
          return Arrays.stream(s.read().parquet(path("files/two")).inputFiles())
              .map(
                  f ->
                      (f.contains("/files/two/") ? "<root>/" : "<elsewhere>/")
                          + f.substring(f.lastIndexOf('/') + 1)
                              .replaceAll(
                                  "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                                  "<uuid>"))
              .sorted()
              .toList();
        });
  }

  @Test
  void sqlOverFilesAndCreateTableAsSelect() {
    check(
        s -> {
          sample(s).write().mode("overwrite").parquet(path("sqlfiles/p"));
          return s.sql("select id, name from parquet.`" + path("sqlfiles/p") + "` where id <= 2");
        });
    spark.sql("drop table if exists io_e2e_ctas");
    Warehouse.deleteLeftovers(spark, "io_e2e_ctas");
    check(
        s -> {
          s.sql(
              "create table io_e2e_ctas using json as select id, upper(name) as n from parquet.`"
                  + path("sqlfiles/p")
                  + "`");
          return s.table("io_e2e_ctas");
        });
    spark.sql("drop table io_e2e_ctas");
  }
}
