package dev.vxconnect.server.session;

import static dev.vxconnect.planner.spark.ConnectPlans.catalog;
import static dev.vxconnect.planner.spark.ConnectPlans.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.CreateDataFrameViewCommand;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session's record, made as SessionManager makes it (each state-changing request that ran, with
 * its catalog effect), replayed into a fresh session on a real local Spark: the catalog state set
 * through the catalog API and SQL (current catalog and namespace, dropped temporary and global
 * temporary views, cached and uncached tables and views) comes back as the first session had it.
 * Both sessions share one Spark, so what is shared (the cache, global temporary views) is cleared
 * between the two: what the rebuilt session has then comes from its replay.
 */
class SessionRebuilderTest {

  private static SparkEngine engine;

  @BeforeAll
  static void start() {
    engine =
        SparkEngine.start(
            new EngineOptions(
                Map.of(
                    "spark.master", "local[1]",
                    "spark.ui.enabled", "false",
                    "spark.sql.warehouse.dir", "target/rebuilder-warehouse-" + UUID.randomUUID()),
                1 << 20,
                false,
                false,
                List.of(),
                Optional.empty()));
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
    }
  }

  /** A session whose state-changing requests go into a record, as SessionRecorder#record does. */
  private static final class Recorded {
    final SessionContext context = engine.openSession("user", UUID.randomUUID().toString());
    SessionRecord record = SessionRecord.getDefaultInstance();

    void config(String key, String value) {
      ConfigRequest request =
          ConfigRequest.newBuilder()
              .setOperation(
                  ConfigRequest.Operation.newBuilder()
                      .setSet(
                          ConfigRequest.Set.newBuilder()
                              .addPairs(KeyValue.newBuilder().setKey(key).setValue(value))))
              .build();
      context.config(request.getOperation());
      record =
          record.toBuilder()
              .addChanges(
                  StateChange.newBuilder()
                      .setKind(StateChange.Kind.CONFIG)
                      .setRequest(ByteString.copyFrom(request.toByteArray())))
              .build();
    }

    List<ExecutePlanResponse> run(Plan plan) {
      ExecutePlanRequest request = request(plan);
      List<ExecutePlanResponse> responses = execute(context, request);
      if (context.changesSessionState(request)) {
        StateChange change =
            StateChange.newBuilder()
                .setKind(StateChange.Kind.EXECUTE_PLAN)
                .setRequest(ByteString.copyFrom(request.toByteArray()))
                .build();
        record = CatalogStateRecords.apply(record, change, context.catalogEffect(request));
      }
      return responses;
    }
  }

  private static ExecutePlanRequest request(Plan plan) {
    return ExecutePlanRequest.newBuilder()
        .setSessionId(UUID.randomUUID().toString())
        .setUserContext(UserContext.newBuilder().setUserId("user"))
        .setPlan(plan)
        .build();
  }

  private static List<ExecutePlanResponse> execute(
      SessionContext context, ExecutePlanRequest request) {
    List<ExecutePlanResponse> responses = new ArrayList<>();
    try {
      context.execute(request, responses::add, Cancellation.NEVER);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return responses;
  }

  private static Relation query(String text) {
    return Relation.newBuilder().setSql(SQL.newBuilder().setQuery(text)).build();
  }

  private static Plan view(String name, String text, boolean global) {
    return Plan.newBuilder()
        .setCommand(
            Command.newBuilder()
                .setCreateDataframeView(
                    CreateDataFrameViewCommand.newBuilder()
                        .setInput(query(text))
                        .setName(name)
                        .setReplace(true)
                        .setIsGlobal(global)))
        .build();
  }

  /** The first value of a result that has one row (a Catalog relation's answer). */
  private static Object value(SessionContext context, Plan plan) {
    return value(execute(context, request(plan)));
  }

  private static Object value(List<ExecutePlanResponse> responses) {
    for (ExecutePlanResponse response : responses) {
      if (!response.hasArrowBatch() || response.getArrowBatch().getRowCount() == 0) {
        continue;
      }
      try (RootAllocator allocator = new RootAllocator();
          ArrowStreamReader reader =
              new ArrowStreamReader(
                  new ByteArrayInputStream(response.getArrowBatch().getData().toByteArray()),
                  allocator)) {
        reader.loadNextBatch();
        Object value = reader.getVectorSchemaRoot().getVector(0).getObject(0);
        return value == null ? null : value instanceof Boolean ? value : value.toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError("no row");
  }

  private static final List<String> VIEWS =
      List.of("v1", "v2", "v3", "v4", "v5", "v6", "global_temp.g1", "global_temp.g2");
  private static final List<String> CACHEABLE =
      List.of(
          "v1",
          "v3",
          "v4",
          "v5",
          "v6",
          "spark_catalog.rebuild_db.t1",
          "spark_catalog.rebuild_db.t2");

  /** The catalog state the client can see: current catalog and database, which views exist, what is cached. */
  private static Map<String, Object> catalogState(SessionContext context) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("currentCatalog", value(context, catalog(c -> c.getCurrentCatalogBuilder(), true)));
    state.put("currentDatabase", value(context, catalog(c -> c.getCurrentDatabaseBuilder(), true)));
    for (String view : VIEWS) {
      state.put(
          "exists " + view,
          value(context, catalog(c -> c.getTableExistsBuilder().setTableName(view), true)));
    }
    for (String name : CACHEABLE) {
      if (Boolean.TRUE.equals(state.getOrDefault("exists " + name, true))) {
        state.put(
            "cached " + name,
            value(context, catalog(c -> c.getIsCachedBuilder().setTableName(name), true)));
      }
    }
    return state;
  }

  @Test
  void theCatalogStateSetThroughTheCatalogApiAndSqlComesBackAsItWas() throws Exception {
    Recorded source = new Recorded();
    source.run(sql("create database if not exists rebuild_db"));
    source.run(
        sql("create table if not exists rebuild_db.t1 using parquet as select id from range(5)"));
    source.run(
        sql("create table if not exists rebuild_db.t2 using parquet as select id from range(7)"));
    source.config("spark.sql.catalog.testcat", TestCatalog.class.getName());

    source.run(catalog(c -> c.getSetCurrentDatabaseBuilder().setDbName("rebuild_db"), false));
    for (int i = 1; i <= 4; i++) { // different plans: Spark caches by plan
      source.run(view("v" + i, "select id, id * 2 as twice from range(" + (10 * i) + ")", false));
    }
    source.run(view("g1", "select 1 as one", true));
    source.run(view("g2", "select 2 as two", true));
    assertThat(value(source.run(catalog(c -> c.getDropTempViewBuilder().setViewName("v2"), true))))
        .isEqualTo(true);
    assertThat(
            value(
                source.run(catalog(c -> c.getDropGlobalTempViewBuilder().setViewName("g2"), true))))
        .isEqualTo(true);

    source.run(catalog(c -> c.getCacheTableBuilder().setTableName("v4"), false));
    source.run(catalog(c -> c.getClearCacheBuilder(), false));
    source.run(catalog(c -> c.getCacheTableBuilder().setTableName("v1"), false));
    source.run(catalog(c -> c.getCacheTableBuilder().setTableName("t1"), false)); // in rebuild_db
    source.run(sql("cache table t2"));
    source.run(sql("cache table v3"));
    source.run(sql("uncache table v3"));
    source.run(sql("cache table v5 as select id from range(3)"));
    source.run(catalog(c -> c.getUncacheTableBuilder().setTableName("v5"), false));
    source.run(sql("cache table v6 as select id from range(4)"));
    source.run(catalog(c -> c.getUncacheTableBuilder().setTableName("rebuild_db.t1"), false));
    source.run(sql("use default"));
    source.run(catalog(c -> c.getSetCurrentCatalogBuilder().setCatalogName("testcat"), false));

    Map<String, Object> expected = catalogState(source.context);
    // What the record holds: no uncache, no clearCache, one namespace change per run of them.
    assertThat(source.record.getChangesList())
        .filteredOn(c -> c.getKind() == StateChange.Kind.CURRENT_NAMESPACE)
        .hasSize(2);
    assertThat(source.record.getChangesList())
        .filteredOn(c -> !c.getCached().isEmpty())
        .extracting(StateChange::getCached)
        .containsExactly("`v1`", "`spark_catalog`.`rebuild_db`.`t2`", "`v5`", "`v6`");

    // The cache and global temporary views are the instance's: empty them, as on another instance.
    SessionContext cleaner = engine.openSession("user", UUID.randomUUID().toString());
    execute(cleaner, request(catalog(c -> c.getClearCacheBuilder(), false)));
    execute(
        cleaner, request(catalog(c -> c.getDropGlobalTempViewBuilder().setViewName("g1"), true)));
    execute(cleaner, request(view("g2", "select 2 as two", true))); // must not survive the replay

    SessionContext rebuilt = engine.openSession("user", UUID.randomUUID().toString());
    new SessionRebuilder(null).replay(source.record, Map.of(), rebuilt);

    assertThat(catalogState(rebuilt)).isEqualTo(expected);
    assertThat(expected)
        .containsEntry("currentCatalog", "testcat")
        .containsEntry("exists v2", false)
        .containsEntry("cached v1", true)
        .containsEntry("cached v3", false)
        .containsEntry("cached v4", false)
        .containsEntry("cached v5", false)
        .containsEntry("exists v5", true)
        .containsEntry("cached v6", true)
        .containsEntry("cached spark_catalog.rebuild_db.t1", false)
        .containsEntry("cached spark_catalog.rebuild_db.t2", true);
  }
}
