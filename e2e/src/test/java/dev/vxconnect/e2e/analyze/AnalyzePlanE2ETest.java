package dev.vxconnect.e2e.analyze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;

import dev.vxconnect.e2e.support.Captured;
import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.testkit.ServerProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** Every AnalyzePlan kind the JVM client can ask for, compared on stable facts. */
class AnalyzePlanE2ETest extends E2ETestBase {

  private static Dataset<Row> query(SparkSession s) {
    return s.range(100)
        .selectExpr("id", "id % 5 as k", "cast(id as string) as s")
        .filter("id > 10")
        .groupBy("k")
        .agg(org.apache.spark.sql.functions.max("s").as("m"));
  }

  /** Section headers ("== ... ==") of an explain output, in order. */
  private static List<String> sections(String explain) {
    List<String> out = new ArrayList<>();
    for (String line : explain.split("\n")) {
      if (line.startsWith("== ") && line.endsWith(" ==")) {
        out.add(line);
      }
    }
    return out;
  }

  /** Operator names of the "formatted" explain mode: lines "(n) Name". */
  private static List<String> formattedOperators(String explain) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\((\\d+)\\) ([A-Za-z]+)").matcher(explain);
    while (m.find()) {
      out.add(m.group(1) + " " + m.group(2));
    }
    return out;
  }

  @Test
  void schemaAndColumns() {
    checkValue(s -> query(s).schema().json());
    checkValue(s -> Arrays.asList(query(s).columns()));
    checkValue(s -> Arrays.stream(query(s).dtypes()).map(t -> t._1() + ":" + t._2()).toList());
    checkValue(
        s ->
            s.sql("select array(map('a', named_struct('x', 1.5d))) as c, X'00' as b")
                .schema()
                .simpleString());
  }

  @Test
  void treeStringAndPrintSchema() {
    checkValue(
        s ->
            s.sql(
                    "select named_struct('a', 1, 'b', array(named_struct('c', 'x'))) as st, map(1, 2) as m")
                .schema()
                .treeString());
    checkValue(
        s ->
            s.sql("select named_struct('a', named_struct('b', named_struct('c', 1))) as st")
                .schema()
                .treeString(2));
    checkValue(s -> Captured.stdout(() -> query(s).printSchema()));
    checkValue(
        s ->
            Captured.stdout(
                () ->
                    s.sql("select named_struct('a', named_struct('b', 1)) as st").printSchema(1)));
  }

  @Test
  void explainModes() {
    for (String mode : List.of("simple", "extended", "codegen", "cost", "formatted")) {
      checkValue(s -> mode + ": " + sections(Captured.stdout(() -> query(s).explain(mode))));
    }
    checkValue(s -> formattedOperators(Captured.stdout(() -> query(s).explain("formatted"))));
    checkValue(
        s -> {
          String out = Captured.stdout(() -> query(s).explain(true));
          return List.of(
              out.contains("== Physical Plan =="),
              out.contains("HashAggregate"),
              out.contains("Range (0, 100"));
        });
    checkValue(s -> Captured.stdout(() -> query(s).explain("cost")).contains("Statistics("));
    checkValue(
        s -> Captured.stdout(() -> query(s).explain("codegen")).contains("WholeStageCodegen"));
  }

  @Test
  void explainThroughSql() {
    check(
        s ->
            s.sql("explain select 1")
                .selectExpr("plan like '%== Physical Plan ==%' as has_physical"));
    check(
        s ->
            s.sql("explain extended select id from range(3) where id > 1")
                .selectExpr(
                    "plan like '%== Analyzed Logical Plan ==%' as analyzed",
                    "plan like '%Filter%' as filtered"));
  }

  @Test
  void isLocalAndIsStreaming() {
    checkValue(
        s ->
            List.of(
                s.sql("select 1").isLocal(),
                s.range(10).isLocal(),
                s.createDataFrame(
                        List.of(RowFactory.create(1)),
                        new StructType().add("x", DataTypes.IntegerType))
                    .isLocal(),
                s.range(10).filter("id > 3").isLocal()));
    checkValue(
        s ->
            List.of(
                s.range(10).isStreaming(),
                s.sql("select 1").isStreaming(),
                s.readStream().format("rate").load().isStreaming()));
    checkValue(s -> s.range(0).isEmpty());
    checkValue(s -> s.range(3).isEmpty());
  }

  @Test
  void inputFilesOfFileSource() {
    String dir =
        ServerProcess.targetDirectory()
            .resolve("analyze-" + (isOracle() ? "oracle" : "server") + "/json")
            .toString();
    checkValue(
        s -> {
          s.range(0, 6, 1, 3).selectExpr("id").write().mode("overwrite").json(dir);
          return Arrays.stream(s.read().json(dir).inputFiles())
              .map(
                  f ->
                      f.substring(f.lastIndexOf('/') + 1)
                          .replaceAll(
                              "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                              "<uuid>"))
              .sorted()
              .toList();
        });
    checkValue(s -> s.range(3).inputFiles().length);
  }

  @Test
  void sparkVersion() {
    checkValue(s -> s.version());
  }

  @Test
  void ddlParsingThroughFromJsonAndTo() {
    check(
        s ->
            s.sql("select '{\"a\": 1, \"b\": {\"c\": [1, 2]}, \"d\": \"2024-05-06\"}' as js")
                .select(
                    from_json(col("js"), lit("a INT, b STRUCT<c: ARRAY<BIGINT>>, d DATE"), Map.of())
                        .as("parsed")));
    check(
        s ->
            s.sql("select 1 as b, 'x' as a, 3L as extra")
                .to(new StructType().add("a", DataTypes.StringType).add("b", DataTypes.LongType)));
    check(
        s ->
            s.sql(
                "select from_json('[1, 2]', 'array<int>') as arr, schema_of_json('{\"k\": 1.5}') as sch"));
    check(
        s ->
            s.sql("select 1 as b")
                .to(
                    new StructType()
                        .add("b", DataTypes.LongType)
                        .add("missing", DataTypes.StringType)));
    checkError(s -> s.sql("select 1 as b").to(new StructType().add("b", DataTypes.BinaryType)));
  }

  @Test
  void sameSemanticsAndSemanticHash() {
    checkValue(
        s -> {
          Dataset<Row> a = s.range(10).selectExpr("id + 1 as x").filter("x > 3");
          Dataset<Row> b = s.range(10).selectExpr("id + 1 as x").filter("x > 3");
          Dataset<Row> c = s.range(10).selectExpr("id + 2 as x").filter("x > 3");
          return List.of(
              a.sameSemantics(b),
              a.sameSemantics(c),
              a.semanticHash() == b.semanticHash(),
              a.semanticHash() == c.semanticHash());
        });
  }

  @Test
  void persistUnpersistAndStorageLevel() {
    checkValue(
        s -> {
          Dataset<Row> df = s.range(1000).selectExpr("id", "id * 2 as twice");
          List<Object> out = new ArrayList<>();
          out.add(df.storageLevel().toString());
          df.persist(StorageLevel.MEMORY_AND_DISK());
          out.add(df.storageLevel().toString());
          out.add(df.count());
          df.unpersist(true);
          out.add(df.storageLevel().toString());
          df.cache();
          out.add(df.storageLevel().toString());
          df.unpersist();
          df.persist(StorageLevel.DISK_ONLY());
          out.add(df.storageLevel().useDisk() + "/" + df.storageLevel().useMemory());
          df.unpersist(true);
          return out;
        });
  }

  @Test
  void checkpointAndLocalCheckpoint() {
    check(s -> s.range(20).selectExpr("id", "id % 4 as m").localCheckpoint().groupBy("m").count());
    check(s -> s.range(20).selectExpr("id").localCheckpoint(false).filter("id > 15"));
  }

  @Test
  void observeMetrics() {
    check(
        s ->
            s.range(50)
                .toDF()
                .observe(
                    "obs_e2e",
                    org.apache.spark.sql.functions.count(lit(1)).as("rows"),
                    org.apache.spark.sql.functions.sum("id").as("total"))
                .filter("id % 10 = 0"));
  }
}
