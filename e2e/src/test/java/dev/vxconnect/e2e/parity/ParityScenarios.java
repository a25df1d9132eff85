package dev.vxconnect.e2e.parity;

import static dev.vxconnect.e2e.parity.ParityRun.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.vxconnect.e2e.support.LargeStack;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The side-by-side scenarios: small programs on the official client, by name. Most are data (a SQL
 * query, an expression, an error case, a config call); the rest are short DataFrame, analyze,
 * catalog and session programs. Each runs once on Apache Spark's own Connect server and once on
 * vxconnect; those that leave state behind in new sessions ({@link #needsNewSessions}), the others
 * one after the other in one session per server, which they leave as they found it. Names of tables are suffixed
 * with this run's {@link #RUN} (the same on both servers): the shared vxconnect server's warehouse
 * outlives one test JVM.
 */
final class ParityScenarios {

  static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private ParityScenarios() {}

  /**
   * Whether the scenario must run in new sessions: it changes session state (confs, views,
   * functions, tables) or uses several sessions. The others share one session per server.
   */
  static boolean needsNewSessions(String name) {
    return name.startsWith("config: ")
        || name.startsWith("catalog: ")
        || name.startsWith("table: ")
        || name.startsWith("session: ");
  }

  /** Every scenario, by unique name, in a fixed order. */
  static Map<String, ParityRun.Program> all() {
    Map<String, ParityRun.Program> all = new LinkedHashMap<>();
    queries(all);
    expressions(all);
    sqlErrors(all);
    dataFrames(all);
    analyze(all);
    config(all);
    catalogAndSessions(all);
    return all;
  }

  /** Queries whose answer is rows: SqlCommand, then the relation it returns. */
  private static void queries(Map<String, ParityRun.Program> all) {
    List<String> queries =
        List.of(
            "SELECT 1",
            "SELECT 1 AS a, 'x' AS b, NULL AS c",
            "SELECT * FROM range(5)",
            "SELECT id, id * 2 AS twice FROM range(0, 10, 3)",
            "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(k, v) ORDER BY k",
            "SELECT k, count(*), sum(v) FROM VALUES (1, 10), (1, 20), (2, 5) AS t(k, v) GROUP BY k ORDER BY k",
            "SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY v) AS rn FROM VALUES (1, 3), (1, 1), (2, 2) AS t(k, v) ORDER BY k, v",
            "SELECT a.id, b.id FROM range(3) a JOIN range(2) b ON a.id = b.id ORDER BY a.id",
            "SELECT id FROM range(3) UNION ALL SELECT id FROM range(2) ORDER BY id",
            "SELECT id FROM range(5) EXCEPT SELECT id FROM range(2) ORDER BY id",
            "SELECT * FROM range(100) WHERE id % 7 = 0 ORDER BY id LIMIT 5",
            "SELECT * FROM range(10) ORDER BY id DESC LIMIT 3 OFFSET 2",
            "WITH c AS (SELECT id FROM range(4)) SELECT sum(id) FROM c",
            "SELECT explode(array(1, 2, 3)) AS e",
            "SELECT posexplode(map('a', 1, 'b', 2))",
            "SELECT * FROM VALUES (1, array(1, 2)) AS t(k, a) LATERAL VIEW explode(a) x AS e",
            "SELECT * FROM (SELECT 1 AS k, 'x' AS c, 10 AS v) PIVOT (sum(v) FOR c IN ('x', 'y'))",
            "SELECT k, sum(v) FROM VALUES (1, 1), (2, 2) AS t(k, v) GROUP BY ROLLUP(k) ORDER BY k",
            "SELECT id, lag(id) OVER (ORDER BY id) AS prev, sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM range(5)",
            "SELECT * FROM range(3) WHERE id IN (SELECT id FROM range(1, 2))",
            "SELECT id, (SELECT max(id) FROM range(4)) AS m FROM range(2)",
            "SELECT named_struct('a', 1, 'b', named_struct('c', 'x')) AS s",
            "SELECT map('k', array(1, 2)) AS m",
            "SELECT CAST(1 AS TINYINT), CAST(2 AS SMALLINT), CAST(3 AS BIGINT), CAST(4.5 AS FLOAT), 5.5D",
            "SELECT CAST('12.345' AS DECIMAL(10, 3)), 1.0BD / 3",
            "SELECT DATE'2024-02-29', TIMESTAMP'2024-02-29 12:34:56'",
            "SELECT TIMESTAMP_NTZ'2024-01-01 00:00:00', INTERVAL '3' DAY, INTERVAL '1-2' YEAR TO MONTH",
            "SELECT X'CAFE' AS b, true AS t, false AS f",
            "SELECT 'caf\u00e9' AS s, length('caf\u00e9'), upper('caf\u00e9')",
            "SELECT 'a' COLLATE UTF8_LCASE AS s, collation('a' COLLATE UNICODE_CI)",
            "SELECT parse_json('{\"a\": [1, 2]}') AS v",
            "SELECT ?, ? + 1",
            "SHOW FUNCTIONS LIKE 'array_a*'",
            "DESCRIBE FUNCTION abs",
            "SET spark.sql.shuffle.partitions",
            "SHOW DATABASES LIKE 'default'",
            "SELECT current_database(), current_catalog()",
            "VALUES (1, 'one'), (2, 'two')",
            "SELECT * FROM range(0)",
            "SELECT transform(array(1, 2), x -> x * 10), filter(array(1, 2, 3), x -> x > 1)");
    for (String query : queries) {
      if (query.contains("?")) {
        all.put("sql: " + query, run -> rows(run.spark().sql(query, new Object[] {7, 8})));
      } else {
        all.put("sql: " + query, run -> rows(run.spark().sql(query)));
      }
    }
    all.put(
        "sql with named args",
        run -> rows(run.spark().sql("SELECT :a * 2 AS x, :b AS y", Map.of("a", 21, "b", "named"))));
    all.put(
        "sql schema treeString",
        run ->
            run.spark()
                .sql("SELECT 'x' AS s, 1 AS i, array('a') AS a, map('k', 'v') AS m")
                .schema()
                .treeString());
  }

  /** Scalar expressions, one SELECT each: many functions through the same two RPCs. */
  private static void expressions(Map<String, ParityRun.Program> all) {
    List<String> expressions =
        List.of(
            "abs(-3)",
            "round(2.345, 2)",
            "concat('a', 'b', 'c')",
            "regexp_replace('a1b2', '[0-9]', '#')",
            "split('a,b,c', ',')",
            "date_add(DATE'2024-01-31', 1)",
            "date_format(TIMESTAMP'2024-05-06 07:08:09', 'yyyy/MM/dd HH')",
            "make_timestamp(2024, 1, 2, 3, 4, 5)",
            "if(1 > 2, 'y', 'n')",
            "CASE WHEN 1 = 1 THEN 'one' END",
            "sha2('x', 256)",
            "array_contains(array(1, 2), 2)",
            "sort_array(array(3, 1, 2))",
            "element_at(map('a', 1), 'a')",
            "to_json(named_struct('a', 1))",
            "from_json('{\"a\": 1}', 'a INT')",
            "get_json_object('{\"a\": 2}', '$.a')",
            "typeof(1.5)",
            "try_divide(1, 0)",
            "try_add(2147483647, 1)",
            "uuid() IS NOT NULL");
    for (String expression : expressions) {
      all.put("expr: " + expression, run -> rows(run.spark().sql("SELECT " + expression)));
    }
  }

  /** Errors of analysis, parsing and execution: condition, SQLSTATE, parameters, message. */
  private static void sqlErrors(Map<String, ParityRun.Program> all) {
    List<String> failing =
        List.of(
            "SELECT * FROM parity_missing_table",
            "SELECT no_such_column FROM VALUES (1) AS t(a)",
            "SELEC 1",
            "SELECT 1 / 0",
            "SELECT CAST('abc' AS INT)",
            "SELECT no_such_function(1)",
            "SELECT array(1, 2)[5]",
            "SELECT element_at(array(1), 5)",
            "SELECT 2147483647 + 1",
            "SELECT a, count(*) FROM VALUES (1, 2) AS t(a, b) GROUP BY b",
            "SELECT raise_error('custom failure')",
            // A long message of spaces and punctuation: its grpc-message trailer must be encoded
            // as grpc-java encodes it, or the trailers outgrow the 8 KiB the client accepts.
            "SELECT raise_error(repeat('(a = b) ', 1000))",
            "SELECT assert_true(1 > 2)",
            "SELECT id FROM range(3) a JOIN range(3) b",
            "DROP TABLE parity_no_table",
            "DROP VIEW parity_no_view",
            "SELECT 1 LIMIT -1",
            "USE parity_no_db",
            "SHOW TABLES IN parity_no_db",
            "SELECT :p",
            "SELECT named_struct('a', 1).b",
            "SELECT explode(1)",
            "SELECT make_date(2024, 13, 1)",
            "SELECT sum(v) OVER (ORDER BY v) FROM VALUES (1) AS t(w)",
            "SELECT * FROM range(3) ORDER BY 5",
            "SELECT 'x' + 1",
            "CREATE TEMPORARY VIEW parity_bad AS SELECT * FROM parity_missing_table",
            "SELECT * FROM VALUES (1) AS t(a) WHERE a = 'x'",
            "SELECT map(1, 'a', 1, 'b')");
    for (String query : failing) {
      all.put("error: " + query, run -> rows(run.spark().sql(query)));
    }
    all.put(
        "error: dataframe missing column", run -> rows(run.spark().range(3).select(col("nope"))));
    all.put(
        "error: dataframe missing table", run -> rows(run.spark().table("parity_missing_table")));
    // One union more than Spark's default spark.connect.grpc.marshallerRecursionLimit (1024; both
    // servers run with it), as Spark's client suite does in "handle unknown exception".
    all.put(
        "error: plan nested past the recursion limit",
        run ->
            LargeStack.call(
                () -> {
                  Dataset<Row> df = run.spark().range(1).toDF();
                  for (int a = 1; a <= 1025; a++) {
                    df = df.union(run.spark().range(a, a + 1).toDF());
                  }
                  return rows(df);
                }));
    all.put(
        "error: dataframe bad expression", run -> rows(run.spark().range(3).selectExpr("id +")));
    all.put(
        "error: aggregate of missing column",
        run -> rows(run.spark().range(3).groupBy("id").agg(expr("sum(nope)"))));
    all.put(
        "error: division by zero in dataframe",
        run -> rows(run.spark().range(3).select(col("id").divide(lit(0)).cast("int"))));
    all.put(
        "session: same temp view twice",
        run -> {
          run.spark().sql("CREATE TEMPORARY VIEW parity_twice AS SELECT 1");
          return rows(run.spark().sql("CREATE TEMPORARY VIEW parity_twice AS SELECT 2"));
        });
  }

  /** A small table as a SQL relation. */
  private static Dataset<Row> people(SparkSession spark) {
    return spark.sql(
        "SELECT * FROM VALUES ('ann', 31, 'oslo'), ('bob', 25, NULL), ('cid', 31, 'rome')"
            + " AS people(name, age, city)");
  }

  /** The same table as a local relation (createDataFrame). */
  static Dataset<Row> localPeople(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("name", DataTypes.StringType)
            .add("age", DataTypes.IntegerType)
            .add("city", DataTypes.StringType, true);
    return spark.createDataFrame(
        Arrays.asList(
            RowFactory.create("ann", 31, "oslo"),
            RowFactory.create("bob", 25, null),
            RowFactory.create("cid", 31, "rome")),
        schema);
  }

  /** DataFrame programs: relations the SQL parser does not produce. */
  private static void dataFrames(Map<String, ParityRun.Program> all) {
    all.put("df: range", run -> rows(run.spark().range(3)));
    all.put("df: local relation", run -> rows(localPeople(run.spark())));
    all.put(
        "df: select and filter",
        run -> rows(people(run.spark()).filter("age > 30").select("name")));
    all.put(
        "df: with column renamed",
        run ->
            rows(
                people(run.spark())
                    .withColumn("older", col("age").plus(1))
                    .withColumnRenamed("name", "who")
                    .drop("city")));
    all.put(
        "df: group by agg",
        run ->
            rows(
                people(run.spark())
                    .groupBy("age")
                    .agg(count("*").as("n"), sum("age").as("s"))
                    .orderBy("age")));
    all.put(
        "df: join",
        run ->
            rows(
                people(run.spark())
                    .as("a")
                    .join(people(run.spark()).as("b"), "name")
                    .select("name", "a.age")
                    .orderBy("name")));
    all.put(
        "df: union by name",
        run ->
            rows(
                people(run.spark())
                    .select("name", "age")
                    .unionByName(people(run.spark()).select("age", "name"))
                    .orderBy("name")));
    all.put(
        "df: distinct and drop duplicates",
        run ->
            rows(
                people(run.spark()).dropDuplicates("age").select("age").distinct().orderBy("age")));
    all.put(
        "df: sort limit offset",
        run -> rows(run.spark().range(10).orderBy(col("id").desc()).offset(2).limit(3)));
    all.put(
        "df: sample with seed", run -> rows(run.spark().range(100).sample(0.1, 42).orderBy("id")));
    all.put("df: describe", run -> rows(people(run.spark()).describe("age")));
    all.put(
        "df: summary",
        run -> rows(people(run.spark()).select("age").summary("count", "min", "max")));
    all.put("df: na fill and drop", run -> rows(people(run.spark()).na().fill("none").na().drop()));
    all.put(
        "df: crosstab",
        run -> rows(people(run.spark()).stat().crosstab("age", "name").orderBy("age_name")));
    all.put(
        "df: approx quantile",
        run ->
            Arrays.toString(
                run.spark().range(100).stat().approxQuantile("id", new double[] {0.5}, 0.0)));
    all.put(
        "df: pivot",
        run -> rows(people(run.spark()).groupBy("age").pivot("name").count().orderBy("age")));
    all.put(
        "df: unpivot",
        run ->
            rows(
                run.spark()
                    .range(2)
                    .selectExpr("id", "id * 2 AS a", "id * 3 AS b")
                    .unpivot(new Column[] {col("id")}, "k", "v")
                    .orderBy("id", "k")));
    all.put(
        "df: cross join",
        run ->
            rows(
                run.spark().range(2).crossJoin(run.spark().range(2).toDF("x")).orderBy("id", "x")));
    all.put(
        "df: repartition and coalesce",
        run -> rows(run.spark().range(6).repartition(3).coalesce(1).orderBy("id")));
    all.put(
        "df: show",
        run -> {
          run.spark().range(3).show();
          return "shown";
        });
    all.put(
        "df: count and isEmpty",
        run -> run.spark().range(7).count() + " " + run.spark().range(0).isEmpty());
    all.put(
        "df: head take tail",
        run ->
            run.spark().range(5).head()
                + " "
                + Arrays.toString((Object[]) run.spark().range(5).take(2))
                + " "
                + Arrays.toString((Object[]) run.spark().range(5).tail(2)));
    all.put("df: toJSON", run -> String.join("\n", people(run.spark()).toJSON().collectAsList()));
    all.put(
        "df: explode and alias",
        run ->
            rows(
                run.spark()
                    .range(2)
                    .select(col("id"), expr("explode(array(id, id + 10))").as("e"))
                    .orderBy("id", "e")));
    all.put(
        "df: window via expr",
        run ->
            rows(
                people(run.spark())
                    .withColumn("rank", expr("rank() OVER (PARTITION BY age ORDER BY name)"))
                    .orderBy("name")));
    all.put(
        "df: observe",
        run ->
            rows(
                run.spark()
                    .range(5)
                    .observe("parity_metrics", count(lit(1)).as("rows"), sum("id").as("total"))));
    all.put(
        "df: to schema",
        run ->
            rows(
                run.spark()
                    .range(2)
                    .selectExpr("CAST(id AS INT) AS id")
                    .to(new StructType().add("id", DataTypes.LongType))));
    all.put(
        "df: hint and alias",
        run -> rows(run.spark().range(3).hint("broadcast").alias("r").select("r.id")));
    all.put(
        "df: checkpoint free cache",
        run -> {
          Dataset<Long> df = run.spark().range(4);
          df.cache();
          String out = df.count() + " " + df.storageLevel();
          df.unpersist(true);
          return out + " " + df.storageLevel();
        });
  }

  /** AnalyzePlan: schema, explain in every mode, tree string, locality, semantics. */
  private static void analyze(Map<String, ParityRun.Program> all) {
    all.put("analyze: schema of range", run -> run.spark().range(3).schema().toString());
    all.put(
        "analyze: schema of sql",
        run ->
            run.spark()
                .sql(
                    "SELECT 1 AS a, 'b' AS b, array(1) AS c, map('k', 1) AS d, named_struct('x', 1.5) AS e")
                .schema()
                .toString());
    all.put(
        "analyze: schema of local relation", run -> localPeople(run.spark()).schema().toString());
    all.put(
        "analyze: schema of collated string",
        run -> run.spark().sql("SELECT 'a' COLLATE UTF8_LCASE AS l, 'b' AS b").schema().toString());
    all.put(
        "analyze: printSchema",
        run -> {
          run.spark().sql("SELECT 'x' AS s, named_struct('i', 1) AS st").printSchema();
          return "printed";
        });
    all.put(
        "analyze: printSchema level 1",
        run -> {
          run.spark().sql("SELECT named_struct('i', named_struct('j', 1)) AS st").printSchema(1);
          return "printed";
        });
    for (String mode : List.of("simple", "extended", "codegen", "cost", "formatted")) {
      all.put(
          "analyze: explain " + mode,
          run -> {
            run.spark().range(10).filter("id > 2").groupBy(expr("id % 2")).count().explain(mode);
            return "explained";
          });
    }
    all.put(
        "analyze: explain sql join",
        run -> {
          run.spark().sql("SELECT * FROM range(3) a JOIN range(3) b ON a.id = b.id").explain(true);
          return "explained";
        });
    all.put(
        "analyze: isLocal",
        run -> run.spark().range(3).isLocal() + " " + localPeople(run.spark()).isLocal());
    all.put("analyze: isStreaming", run -> String.valueOf(run.spark().range(3).isStreaming()));
    all.put("analyze: inputFiles", run -> Arrays.toString(run.spark().range(3).inputFiles()));
    all.put("analyze: version", run -> run.spark().version());
    all.put(
        "analyze: sameSemantics",
        run ->
            run.spark().range(3).sameSemantics(run.spark().range(3))
                + " "
                + run.spark().range(3).sameSemantics(run.spark().range(4)));
    all.put(
        "analyze: semanticHash",
        run ->
            String.valueOf(
                run.spark().range(3).semanticHash() == run.spark().range(3).semanticHash()));
    all.put(
        "analyze: storage level",
        run -> {
          Dataset<Long> df = run.spark().range(5);
          df.persist(StorageLevel.MEMORY_ONLY());
          String level = df.storageLevel().toString();
          df.unpersist(true);
          return level + " " + df.storageLevel();
        });
    all.put(
        "analyze: columns of a failing plan",
        run -> Arrays.toString(run.spark().range(3).select(col("nope")).columns()));
    all.put("analyze: dtypes", run -> Arrays.deepToString(people(run.spark()).dtypes()));
  }

  /** Config RPCs: get, set, unset, modifiable, errors and warnings. */
  private static void config(Map<String, ParityRun.Program> all) {
    all.put("config: get", run -> run.spark().conf().get("spark.sql.shuffle.partitions"));
    all.put(
        "config: get with default", run -> run.spark().conf().get("parity.unset.key", "fallback"));
    all.put("config: get missing", run -> run.spark().conf().get("parity.unset.key"));
    all.put(
        "config: getOption missing",
        run -> run.spark().conf().getOption("parity.unset.key").toString());
    all.put(
        "config: set and get",
        run -> {
          run.spark().conf().set("spark.sql.shuffle.partitions", "7");
          return run.spark().conf().get("spark.sql.shuffle.partitions");
        });
    all.put(
        "config: set long and boolean",
        run -> {
          run.spark().conf().set("spark.sql.ansi.enabled", false);
          run.spark().conf().set("spark.sql.autoBroadcastJoinThreshold", 1024L);
          return run.spark().conf().get("spark.sql.ansi.enabled")
              + " "
              + run.spark().conf().get("spark.sql.autoBroadcastJoinThreshold");
        });
    all.put(
        "config: unset",
        run -> {
          run.spark().conf().set("spark.sql.shuffle.partitions", "9");
          run.spark().conf().unset("spark.sql.shuffle.partitions");
          return run.spark().conf().get("spark.sql.shuffle.partitions");
        });
    all.put(
        "config: isModifiable",
        run ->
            run.spark().conf().isModifiable("spark.sql.shuffle.partitions")
                + " "
                + run.spark().conf().isModifiable("spark.master")
                + " "
                + run.spark().conf().isModifiable("parity.unknown"));
    all.put(
        "config: set static",
        run -> {
          run.spark().conf().set("spark.sql.warehouse.dir", "/tmp/parity");
          return "set";
        });
    all.put(
        "config: set core conf",
        run -> {
          run.spark().conf().set("spark.executor.memory", "1g");
          return "set";
        });
    all.put(
        "config: set deprecated",
        run -> {
          run.spark().conf().set("spark.sql.execution.arrow.enabled", "true");
          return run.spark().conf().get("spark.sql.execution.arrow.enabled");
        });
    all.put(
        "config: custom key",
        run -> {
          run.spark().conf().set("parity.custom.key", "v");
          return run.spark().conf().get("parity.custom.key");
        });
    all.put(
        "config: ansi off changes an answer",
        run -> {
          run.spark().conf().set("spark.sql.ansi.enabled", "false");
          return rows(run.spark().sql("SELECT 1 / 0, CAST('abc' AS INT)"));
        });
    all.put(
        "config: time zone",
        run -> {
          run.spark().conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
          return rows(
              run.spark()
                  .sql(
                      "SELECT current_timezone(), CAST(TIMESTAMP'2024-01-01 00:00:00 UTC' AS STRING)"));
        });
    all.put(
        "config: invalid value",
        run -> {
          run.spark().conf().set("spark.sql.shuffle.partitions", "many");
          return "set";
        });
    all.put(
        "config: SET command",
        run ->
            rows(run.spark().sql("SET spark.sql.parity.x = 1"))
                + "\n"
                + rows(run.spark().sql("SET spark.sql.parity.x")));
  }

  /** Catalog calls, tables, temp views across sessions. */
  private static void catalogAndSessions(Map<String, ParityRun.Program> all) {
    String table = "parity_t_" + RUN;
    all.put(
        "catalog: current database",
        run ->
            run.spark().catalog().currentDatabase() + " " + run.spark().catalog().currentCatalog());
    all.put(
        "catalog: database exists",
        run ->
            run.spark().catalog().databaseExists("default")
                + " "
                + run.spark().catalog().databaseExists("parity_no_db"));
    all.put(
        "catalog: function exists",
        run ->
            run.spark().catalog().functionExists("abs")
                + " "
                + run.spark().catalog().functionExists("parity_no_fn"));
    all.put(
        "catalog: temp view columns",
        run -> {
          people(run.spark()).createOrReplaceTempView("parity_people");
          return run.spark().catalog().tableExists("parity_people")
              + "\n"
              + rows(run.spark().catalog().listColumns("parity_people").toDF());
        });
    all.put(
        "catalog: drop temp view",
        run -> {
          run.spark().range(1).createTempView("parity_drop_me");
          return run.spark().catalog().dropTempView("parity_drop_me")
              + " "
              + run.spark().catalog().dropTempView("parity_drop_me");
        });
    all.put(
        "catalog: get missing table",
        run -> run.spark().catalog().getTable("parity_no_table").toString());
    all.put(
        "catalog: set missing database",
        run -> {
          run.spark().catalog().setCurrentDatabase("parity_no_db");
          return "set";
        });
    all.put(
        "table: create insert select drop",
        run -> {
          SparkSession spark = run.spark();
          spark.sql("DROP TABLE IF EXISTS " + table);
          spark.sql("CREATE TABLE " + table + " (id INT, s STRING) USING parquet");
          spark.sql("INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b')");
          String out =
              rows(spark.sql("SELECT * FROM " + table + " ORDER BY id"))
                  + "\n"
                  + rows(spark.sql("DESCRIBE TABLE " + table));
          spark.sql("DROP TABLE " + table);
          return out;
        });
    all.put(
        "table: saveAsTable and read",
        run -> {
          SparkSession spark = run.spark();
          String name = table + "_saved";
          spark.range(3).write().mode("overwrite").saveAsTable(name);
          String out =
              rows(spark.table(name).orderBy("id")) + " " + spark.catalog().tableExists(name);
          spark.sql("DROP TABLE " + name);
          return out;
        });
    all.put(
        "table: create twice",
        run -> {
          SparkSession spark = run.spark();
          String name = table + "_twice";
          spark.sql("CREATE TABLE " + name + " (id INT) USING parquet");
          try {
            return rows(spark.sql("CREATE TABLE " + name + " (id INT) USING parquet"));
          } finally {
            spark.sql("DROP TABLE " + name);
          }
        });
    // SQL scripts, as Spark's ClientE2ETestSuite runs them: each creates the table, which the
    // next one creates again once it is dropped.
    String script = table + "_script";
    List<String> scripts =
        List.of(
            "CREATE TABLE %s (a INT, b STRING); INSERT INTO %s VALUES (1, 'Hello'), (2, 'World');"
                + " SELECT * FROM %s ORDER BY a;",
            "CREATE TABLE %s (a INT, b STRING); SELECT * FROM %s;",
            "CREATE TABLE %s (a INT, b STRING);",
            "CREATE TEMPORARY VIEW %s_view AS SELECT 1 AS x; SELECT * FROM %s_view;");
    for (String body : scripts) {
      String sql = "BEGIN " + body.replace("%s", script) + " END";
      all.put(
          "table: SQL script " + body.replace("%s", "t"),
          run -> {
            SparkSession spark = run.spark();
            try {
              Dataset<Row> result = spark.sql(sql);
              return result.schema().toString() + "\n" + rows(result);
            } finally {
              spark.sql("DROP TABLE IF EXISTS " + script);
            }
          });
    }
    all.put(
        "session: temp view of another session",
        run -> {
          run.spark().sql("CREATE TEMPORARY VIEW parity_private AS SELECT 1 AS x");
          return rows(run.another().sql("SELECT * FROM parity_private"));
        });
    all.put(
        "session: table() of another session's temp view",
        run -> {
          run.spark().range(2).createOrReplaceTempView("parity_private_df");
          return rows(run.another().table("parity_private_df"));
        });
    all.put(
        "session: own temp view",
        run -> {
          run.spark().sql("CREATE TEMPORARY VIEW parity_mine AS SELECT 1 AS x");
          return rows(run.spark().sql("SELECT * FROM parity_mine"));
        });
    all.put(
        "session: global temp view seen by another",
        run -> {
          String name = "parity_global_" + RUN;
          run.spark().range(2).createOrReplaceGlobalTempView(name);
          try {
            return rows(run.another().sql("SELECT * FROM global_temp." + name + " ORDER BY id"));
          } finally {
            run.spark().catalog().dropGlobalTempView(name);
          }
        });
    all.put(
        "session: conf is per session",
        run -> {
          run.spark().conf().set("spark.sql.shuffle.partitions", "3");
          return run.another().conf().get("spark.sql.shuffle.partitions");
        });
    all.put(
        "session: temporary function of another session",
        run -> {
          run.spark()
              .sql(
                  "CREATE TEMPORARY FUNCTION parity_fn AS 'org.apache.spark.sql.parity.NoSuchClass'");
          return "created";
        });
  }
}
