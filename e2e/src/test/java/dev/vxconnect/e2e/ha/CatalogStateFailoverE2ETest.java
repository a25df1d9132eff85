package dev.vxconnect.e2e.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.coverage.RecordsScenario;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog state a session sets through the catalog API and its SQL forms survives the kill -9
 * of the instance serving it (docs/failover.md): with the official client, through a balancer in
 * front of two instances, a session sets its current database, creates temporary and global
 * temporary views, drops some, caches tables and views and uncaches others (catalog API and SQL);
 * another session of the same instance switches to another catalog. The instance is killed; on
 * the survivor each session's catalog state is what it read from the same session just before the
 * kill: current catalog and database, the tables and views it lists, which names exist, which are
 * cached, and the rows of a cached view.
 *
 * <p>Each instance has a catalog of its own here (no state database): the database and its tables
 * are created on each instance first, as a shared catalog would hold them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RecordsScenario.class)
@Timeout(600)
class CatalogStateFailoverE2ETest {

  /** Unique per run: the servers' warehouse directories outlive their in-memory catalogs. */
  private static final String DB = "catstate_" + UUID.randomUUID().toString().substring(0, 8);

  /** An empty JDBC catalog (Derby in memory, on the servers' class path): a second catalog to switch to. */
  private static final Map<String, String> OTHER_CATALOG =
      Map.of(
          "spark.sql.catalog.other_cat",
              "org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog",
          "spark.sql.catalog.other_cat.url", "jdbc:derby:memory:catstate;create=true");

  private ServerCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = ServerCluster.start("catalogstate", 2, List.of());
    for (ServerProcess server : cluster.servers()) {
      try (SparkSession direct = Sessions.connect(server.url())) {
        direct.sql("create database if not exists " + DB);
        direct.sql(
            "create table if not exists "
                + DB
                + ".t1 using parquet as select id, id * 10 as v from range(20)");
        direct.sql(
            "create table if not exists " + DB + ".t2 using parquet as select id from range(30)");
        direct.sql(
            "create table if not exists " + DB + ".t3 using parquet as select id from range(40)");
      }
    }
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String sessionId(SparkSession session) {
    return ((org.apache.spark.sql.connect.SparkSession) session).sessionId();
  }

  private static final List<String> NAMES =
      List.of(
          "a",
          "b",
          "c",
          "d",
          "e",
          "global_temp.g1",
          "global_temp.g2",
          DB + ".t1",
          DB + ".t2",
          DB + ".t3");

  /** What the session can see of its catalog state, read through the catalog API and SQL. */
  private static Map<String, Object> catalogState(SparkSession session) throws Exception {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("currentCatalog", session.catalog().currentCatalog());
    state.put("currentDatabase", session.catalog().currentDatabase());
    state.put("tables", tableNames(session.catalog().listTables().collectAsList()));
    state.put(
        "global temp views",
        tableNames(session.catalog().listTables("global_temp").collectAsList()));
    for (String name : NAMES) {
      boolean exists = session.catalog().tableExists(name);
      state.put("exists " + name, exists);
      if (exists) {
        state.put("cached " + name, session.catalog().isCached(name));
      }
    }
    state.put("rows of a", List.of((Row[]) session.sql("select * from a order by id").collect()));
    return state;
  }

  private static List<String> tableNames(List<Table> tables) {
    List<String> names = new ArrayList<>();
    for (Table table : tables) {
      names.add(
          table.database() + "." + table.name() + (table.isTemporary() ? " (temporary)" : ""));
    }
    names.sort(null);
    return names;
  }

  @Test
  void catalogStateSetThroughTheCatalogApiSurvivesTheKillOfItsInstance() throws Exception {
    try (SparkSession client = Sessions.connect(cluster.url())) {
      client.sql("use default");
      client.catalog().setCurrentDatabase(DB);
      client.sql("create temp view a as select id, id * 2 as twice from range(10)");
      client.range(15).selectExpr("id", "id % 4 as k").createOrReplaceTempView("b");
      client.sql("create temp view c as select id from range(25)");
      client.range(35).createOrReplaceTempView("d");
      client.range(5).createGlobalTempView("g1");
      client.range(6).createGlobalTempView("g2");
      assertThat(client.catalog().dropTempView("b")).isTrue();
      assertThat(client.catalog().dropGlobalTempView("g2")).isTrue();

      client.catalog().cacheTable("t1"); // in the current database
      client.catalog().cacheTable("a");
      client.sql("cache table t2");
      client.sql("cache table c");
      client.catalog().cacheTable("d");
      client.sql("cache table e as select id from range(45)");
      client.catalog().uncacheTable(DB + ".t2");
      client.sql("uncache table c");
      client.catalog().cacheTable("t3");
      client.catalog().clearCache();
      client.catalog().cacheTable("t1");
      client.catalog().cacheTable("a");
      client.sql("cache table t2");
      client.catalog().uncacheTable("t2");
      client.sql("use default");
      client.catalog().setCurrentCatalog("spark_catalog");
      client.catalog().setCurrentDatabase(DB);
      Map<String, Object> before = catalogState(client);
      assertThat(before)
          .as("the steps did what they say")
          .containsEntry("currentDatabase", DB)
          .containsEntry("exists b", false)
          .containsEntry("exists global_temp.g2", false)
          .containsEntry("exists e", true)
          .containsEntry("cached " + DB + ".t1", true)
          .containsEntry("cached a", true)
          .containsEntry("cached " + DB + ".t2", false)
          .containsEntry("cached c", false)
          .containsEntry("cached d", false)
          .containsEntry("cached e", false)
          .containsEntry("cached " + DB + ".t3", false);

      String sessionId = sessionId(client);
      ServerProcess owner = cluster.ownerOf(sessionId).orElseThrow();
      // A second session of the same instance switches to another catalog.
      SparkSession other = sessionOn(owner);
      OTHER_CATALOG.forEach((key, value) -> other.conf().set(key, value));
      other.catalog().setCurrentCatalog("other_cat");
      Map<String, Object> otherBefore =
          Map.of(
              "currentCatalog",
              other.catalog().currentCatalog(),
              "currentDatabase",
              other.catalog().currentDatabase());
      assertThat(otherBefore).containsEntry("currentCatalog", "other_cat");

      owner.kill();
      Thread.sleep(ServerCluster.CLIENT_SETTLE_MS);

      assertThat(catalogState(client)).isEqualTo(before);
      assertThat(
              Map.of(
                  "currentCatalog",
                  other.catalog().currentCatalog(),
                  "currentDatabase",
                  other.catalog().currentDatabase()))
          .isEqualTo(otherBefore);
      ServerProcess survivor = cluster.ownerOf(sessionId).orElseThrow();
      assertThat(survivor).isNotSameAs(owner);
      assertThat(cluster.ownerOf(sessionId(other))).contains(survivor);
      assertThat(survivor.logText()).doesNotContain("could not replay");
      other.close();
    }
  }

  /** A new session through the balancer that the given instance serves (sessions open where they land). */
  private SparkSession sessionOn(ServerProcess owner) throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      SparkSession session = Sessions.connect(cluster.url());
      session.range(1).count(); // opens it
      if (cluster.ownerOf(sessionId(session)).orElseThrow() == owner) {
        return session;
      }
      session.close();
    }
    throw new AssertionError("no session landed on " + owner);
  }
}
