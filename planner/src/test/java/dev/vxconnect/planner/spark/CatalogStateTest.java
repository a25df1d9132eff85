package dev.vxconnect.planner.spark;

import static dev.vxconnect.planner.spark.ConnectPlans.catalog;
import static dev.vxconnect.planner.spark.ConnectPlans.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.planner.CatalogEffect;
import dev.vxconnect.testkit.plans.Relations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.sql.catalyst.plans.logical.CacheTable;
import org.apache.spark.sql.catalyst.plans.logical.CacheTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog state a takeover replays, on a local Spark: which Catalog relations and SQL commands
 * change it, what each did (for the record to keep what is in force), and caches replayed lazily.
 */
class CatalogStateTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("catalog-state");
    spark.sql("create database if not exists catalog_state_db");
    spark.sql("create table if not exists catalog_state_db.t (x int) using parquet");
    spark.sql("create or replace temp view cv as select 1 as x");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void catalogRelationsThatChangeTheSessionAreRecordedAndQuestionsAreNot() {
    List<Plan> changing =
        List.of(
            catalog(c -> c.getSetCurrentDatabaseBuilder().setDbName("default"), false),
            catalog(c -> c.getSetCurrentCatalogBuilder().setCatalogName("spark_catalog"), false),
            catalog(c -> c.getDropTempViewBuilder().setViewName("cv"), true),
            catalog(c -> c.getDropGlobalTempViewBuilder().setViewName("g"), true),
            catalog(c -> c.getCacheTableBuilder().setTableName("cv"), false),
            catalog(c -> c.getUncacheTableBuilder().setTableName("cv"), false),
            catalog(c -> c.getClearCacheBuilder(), false));
    Plan underProject =
        Relations.projection(
            catalog(c -> c.getDropTempViewBuilder().setViewName("cv"), true).getRoot());
    changing = new ArrayList<>(changing);
    changing.add(underProject);
    for (Plan plan : changing) {
      assertThat(SessionStateChanges.changesState(spark, plan)).as("%s", plan).isTrue();
    }
    List<Plan> asking =
        List.of(
            catalog(c -> c.getCurrentDatabaseBuilder(), true),
            catalog(c -> c.getCurrentCatalogBuilder(), true),
            catalog(c -> c.getIsCachedBuilder().setTableName("cv"), true),
            catalog(c -> c.getTableExistsBuilder().setTableName("cv"), true),
            catalog(c -> c.getListTablesBuilder(), false),
            Plan.newBuilder()
                .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1")))
                .build());
    for (Plan plan : asking) {
      assertThat(SessionStateChanges.changesState(spark, plan)).as("%s", plan).isFalse();
    }
  }

  @Test
  void cacheCommandsInSqlAreRecorded() {
    for (String text :
        List.of(
            "cache table cv",
            "cache lazy table cv",
            "cache table c2 as select 2 as y",
            "uncache table cv",
            "uncache table if exists nothing_here",
            "clear cache")) {
      assertThat(SessionStateChanges.changesState(spark, sql(text))).as(text).isTrue();
    }
  }

  @Test
  void whatAChangeDidNamesItsObjectTheSameWhateverTheCurrentNamespace() {
    SparkSession session = spark.newSession();
    session.sql("create or replace temp view CV2 as select 2 as x");
    session.sql("use catalog_state_db");
    assertThat(
            CatalogState.effect(
                session, catalog(c -> c.getSetCurrentDatabaseBuilder().setDbName("x"), false)))
        .contains(CatalogEffect.currentNamespace("spark_catalog", List.of("catalog_state_db")));
    assertThat(CatalogState.effect(session, sql("use catalog_state_db")))
        .contains(CatalogEffect.currentNamespace("spark_catalog", List.of("catalog_state_db")));
    Optional<CatalogEffect> inDb = CatalogState.effect(session, sql("cache table t"));
    assertThat(inDb)
        .contains(
            CatalogEffect.onCache(
                CatalogEffect.Kind.CACHE, "`spark_catalog`.`catalog_state_db`.`t`"));
    assertThat(
            CatalogState.effect(
                session, catalog(c -> c.getUncacheTableBuilder().setTableName("t"), false)))
        .contains(
            CatalogEffect.onCache(
                CatalogEffect.Kind.UNCACHE, "`spark_catalog`.`catalog_state_db`.`t`"));
    assertThat(
            CatalogState.effect(
                session, catalog(c -> c.getCacheTableBuilder().setTableName("cv2"), false)))
        .contains(CatalogEffect.onCache(CatalogEffect.Kind.CACHE, "`cv2`"));

    session.sql("use default");
    assertThat(CatalogState.effect(session, sql("uncache table catalog_state_db.T")))
        .isEqualTo(inDb.map(e -> CatalogEffect.onCache(CatalogEffect.Kind.UNCACHE, e.name())));
    session.sql("cache lazy table c3 as select 3 as z");
    assertThat(CatalogState.effect(session, sql("cache lazy table c3 as select 3 as z")))
        .contains(CatalogEffect.onCache(CatalogEffect.Kind.CACHE_WITH_VIEW, "`c3`"));
    assertThat(CatalogState.effect(session, sql("clear cache")))
        .contains(CatalogEffect.onCache(CatalogEffect.Kind.CLEAR_CACHE, ""));
    assertThat(CatalogState.effect(session, sql("create or replace temp view v9 as select 1")))
        .isEmpty();
  }

  @Test
  void cachesAreReplayedLazily() {
    LogicalPlan table =
        CatalogState.lazyCache(
                spark,
                sql("cache table cv options ('storageLevel' 'DISK_ONLY')")
                    .getCommand()
                    .getSqlCommand())
            .orElseThrow();
    assertThat(table)
        .isInstanceOfSatisfying(
            CacheTable.class,
            c -> {
              assertThat(c.isLazy()).isTrue();
              assertThat(c.options().get("storageLevel").get()).isEqualTo("DISK_ONLY");
            });
    LogicalPlan select =
        CatalogState.lazyCache(
                spark, sql("cache table c4 as select 4 as w").getCommand().getSqlCommand())
            .orElseThrow();
    assertThat(select)
        .isInstanceOfSatisfying(
            CacheTableAsSelect.class,
            c -> {
              assertThat(c.isLazy()).isTrue();
              assertThat(c.tempViewName()).isEqualTo("c4");
            });
    // Already lazy, or not a cache: replayed as it came.
    assertThat(
            CatalogState.lazyCache(spark, sql("cache lazy table cv").getCommand().getSqlCommand()))
        .isEmpty();
    assertThat(CatalogState.lazyCache(spark, sql("uncache table cv").getCommand().getSqlCommand()))
        .isEmpty();
  }
}
