package dev.vxconnect.e2e.catalog;

import static dev.vxconnect.e2e.support.Sneaky.call;
import static dev.vxconnect.e2e.support.Sneaky.run;
import static org.apache.spark.sql.functions.col;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.Warehouse;
import dev.vxconnect.testkit.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The catalog API. Databases and tables are named after this class so they cannot collide with
 * other scenarios; each scenario drops what it creates.
 */
class CatalogE2ETest extends E2ETestBase {

  private static final String DB = "catalog_e2e_db";

  private static void freshDatabase(SparkSession s) {
    s.sql("drop database if exists " + DB + " cascade");
    Warehouse.deleteLeftovers(s, DB + ".db");
    s.sql("create database " + DB + " comment 'for catalog scenarios'");
  }

  @Test
  void currentDatabaseAndCatalog() {
    checkValue(s -> s.catalog().currentDatabase());
    checkValue(s -> s.catalog().currentCatalog());
    checkValue(
        s ->
            List.of(
                s.catalog().databaseExists("default"),
                s.catalog().databaseExists("no_such_db_e2e")));
  }

  @Test
  void listDatabasesAndSetCurrent() {
    freshDatabase(spark);
    check(
        s ->
            s.catalog()
                .listDatabases()
                .toDF()
                .select("name", "description")
                .filter(col("name").isin("default", DB)));
    check(s -> s.catalog().listDatabases("catalog_e2e*").toDF().select("name"));
    checkValue(
        s -> {
          s.catalog().setCurrentDatabase(DB);
          String current = s.catalog().currentDatabase();
          s.catalog().setCurrentDatabase("default");
          return List.of(current, s.catalog().currentDatabase());
        });
    checkValue(s -> call(() -> s.catalog().getDatabase(DB)).name());
    spark.sql("drop database " + DB + " cascade");
  }

  @Test
  void listTablesWithTempViews() {
    freshDatabase(spark);
    check(
        s -> {
          s.sql("create table " + DB + ".t_parquet (id int, name string) using parquet");
          s.range(3).createOrReplaceTempView("catalog_e2e_view");
          return call(() -> s.catalog().listTables(DB))
              .toDF()
              .select("name", "tableType", "isTemporary");
        });
    check(s -> call(() -> s.catalog().listTables(DB, "t_*")).toDF().select("name", "namespace"));
    checkValue(
        s ->
            List.of(
                s.catalog().tableExists(DB, "t_parquet"),
                s.catalog().tableExists(DB + ".t_parquet"),
                s.catalog().tableExists("catalog_e2e_view"),
                s.catalog().tableExists(DB, "nope")));
    checkValue(s -> call(() -> s.catalog().getTable(DB, "t_parquet")).tableType());
    spark.sql("drop database " + DB + " cascade");
  }

  @Test
  void listColumns() {
    freshDatabase(spark);
    spark.sql(
        "create table "
            + DB
            + ".cols (id bigint not null, name string comment 'the name', "
            + "tags array<string>, amount decimal(10,2), part int) using parquet partitioned by (part)");
    check(
        s ->
            call(() -> s.catalog().listColumns(DB + ".cols"))
                .toDF()
                .select("name", "description", "dataType", "nullable", "isPartition", "isBucket"));
    check(s -> call(() -> s.catalog().listColumns(DB, "cols")).toDF().select("name"));
    spark.sql("drop database " + DB + " cascade");
  }

  @Test
  void listFunctionsFiltered() {
    check(
        s ->
            s.catalog()
                .listFunctions()
                .toDF()
                .filter(
                    col("name").isin("abs", "upper", "array_sort", "date_add", "sum", "explode"))
                .select("name", "className", "isTemporary"));
    checkValue(
        s ->
            List.of(
                s.catalog().functionExists("abs"), s.catalog().functionExists("no_such_fn_e2e")));
    checkValue(s -> call(() -> s.catalog().getFunction("upper")).className());
    check(
        s -> {
          s.sql(
              "create or replace temporary function catalog_e2e_plus_one(x int) returns int return x + 1");
          return s.catalog()
              .listFunctions()
              .toDF()
              .filter(col("name").startsWith("catalog_e2e"))
              .select("name", "isTemporary");
        });
    check(s -> s.sql("select catalog_e2e_plus_one(41) as answer"));
  }

  @Test
  void tempViewsAndDropTempView() {
    checkValue(
        s -> {
          s.range(5).createOrReplaceTempView("catalog_e2e_tmp");
          boolean before = s.catalog().tableExists("catalog_e2e_tmp");
          boolean dropped = s.catalog().dropTempView("catalog_e2e_tmp");
          boolean droppedAgain = s.catalog().dropTempView("catalog_e2e_tmp");
          return List.of(before, dropped, droppedAgain, s.catalog().tableExists("catalog_e2e_tmp"));
        });
    check(
        s -> {
          s.sql("select 1 as a, 'x' as b").createOrReplaceTempView("catalog_e2e_tmp2");
          s.sql("select 2 as a, 'y' as b").createOrReplaceTempView("catalog_e2e_tmp2");
          return s.table("catalog_e2e_tmp2");
        });
    checkError(
        s -> {
          run(() -> s.range(1).createTempView("catalog_e2e_tmp3"));
          run(() -> s.range(1).createTempView("catalog_e2e_tmp3"));
          return null;
        });
  }

  @Test
  void globalTempViews() {
    check(
        s -> {
          s.range(4)
              .selectExpr("id", "id * id as sq")
              .createOrReplaceGlobalTempView("catalog_e2e_global");
          return s.sql("select * from global_temp.catalog_e2e_global where id > 1");
        });
    // Global temp views are visible from another session of the same application.
    check(s -> s.newSession().table("global_temp.catalog_e2e_global"));
    check(
        s ->
            call(() -> s.catalog().listTables("global_temp"))
                .toDF()
                .filter(col("name").equalTo("catalog_e2e_global"))
                .select("name", "isTemporary"));
    checkValue(
        s ->
            List.of(
                s.catalog().dropGlobalTempView("catalog_e2e_global"),
                s.catalog().dropGlobalTempView("catalog_e2e_global")));
    checkError(s -> s.table("global_temp.catalog_e2e_global"));
  }

  @Test
  void createGlobalTempViewTwiceFails() {
    checkError(
        s -> {
          run(() -> s.range(1).createGlobalTempView("catalog_e2e_global2"));
          try {
            run(() -> s.range(1).createGlobalTempView("catalog_e2e_global2"));
          } finally {
            s.catalog().dropGlobalTempView("catalog_e2e_global2");
          }
          return null;
        });
  }

  @Test
  void cacheTableIsCachedUncache() {
    checkValue(
        s -> {
          s.range(100)
              .selectExpr("id", "id % 3 as m")
              .createOrReplaceTempView("catalog_e2e_cached");
          List<Object> states = new ArrayList<>();
          states.add(s.catalog().isCached("catalog_e2e_cached"));
          s.catalog().cacheTable("catalog_e2e_cached");
          states.add(s.catalog().isCached("catalog_e2e_cached"));
          states.add(s.table("catalog_e2e_cached").count());
          s.catalog().uncacheTable("catalog_e2e_cached");
          states.add(s.catalog().isCached("catalog_e2e_cached"));
          s.catalog().cacheTable("catalog_e2e_cached", StorageLevel.DISK_ONLY());
          states.add(s.catalog().isCached("catalog_e2e_cached"));
          s.catalog().clearCache();
          states.add(s.catalog().isCached("catalog_e2e_cached"));
          return states;
        });
    check(s -> s.table("catalog_e2e_cached").groupBy("m").count());
  }

  @Test
  void createExternalTableFromFilesAndRefresh() {
    freshDatabase(spark);
    String path =
        ServerProcess.targetDirectory()
            .resolve("catalog-" + (isOracle() ? "oracle" : "server") + "/external_parquet")
            .toString();
    spark
        .range(10)
        .selectExpr("id", "cast(id as string) as s")
        .write()
        .mode("overwrite")
        .parquet(path);
    check(s -> s.catalog().createTable(DB + ".ext", path, "parquet").filter("id < 4"));
    check(s -> call(() -> s.catalog().listTables(DB)).toDF().select("name", "tableType"));
    check(
        s -> {
          s.range(10, 12)
              .selectExpr("id", "cast(id as string) as s")
              .write()
              .mode("append")
              .parquet(path);
          s.catalog().refreshTable(DB + ".ext");
          return s.table(DB + ".ext").agg(org.apache.spark.sql.functions.count("*"));
        });
    // The JVM client's createTable is lazy: the table exists once the returned DataFrame runs.
    check(
        s -> {
          StructType schema =
              new StructType().add("k", DataTypes.IntegerType).add("v", DataTypes.StringType);
          return s.catalog()
              .createTable(DB + ".managed", "parquet", schema, "a managed table", Map.of());
        });
    check(
        s -> {
          s.sql("insert into " + DB + ".managed values (1, 'one'), (2, 'two')");
          return s.table(DB + ".managed");
        });
    checkValue(s -> call(() -> s.catalog().getTable(DB + ".managed")).description());
    spark.sql("drop database " + DB + " cascade");
  }
}
