package dev.vxconnect.e2e.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.Sneaky;
import dev.vxconnect.e2e.support.Warehouse;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PostgresServer;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * One catalog for every instance, and state that outlives them all (issue 16). Server run: three
 * vxconnect instances in one cluster on one PostgreSQL database (started by the test) and one
 * warehouse; sessions on different instances (each client connected straight to its instance)
 * make and read tables, a permanent view and a permanent function, race on DDL, then every instance
 * is killed with kill -9 and started again. Oracle run: the same programs on three sessions of one
 * classic local Spark, whose catalog is shared by its sessions as the cluster's must be; the kills
 * are the only steps it does not have. Every row read through another instance, and after the
 * restart, must be what the oracle read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class SharedCatalogE2ETest extends E2ETestBase {

  static final String PASSWORD = "state-" + UUID.randomUUID();

  /** The test's own databases: other tests' tables (in the oracle's shared catalog) are elsewhere. */
  private static final List<String> DATABASES = List.of("sc_db", "sc_more", "cc_db");

  private static final int THREADS = 3;

  /**
   * Each instance's own tables, made while the others make theirs (the races are on the shared
   * names after): enough for the three to overlap in the metastore, each DDL a few hundred ms.
   */
  private static final int TABLES_PER_THREAD = 20;

  private static final int SHARED_NAMES = 10;

  private PostgresServer postgres;
  private ServerCluster cluster;

  /** Sessions on instance 0, 1 and 2 (three sessions of the classic Spark in the oracle run). */
  private final List<SparkSession> on = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    if (isOracle()) {
      SparkSession classic = Sessions.open();
      for (String database : DATABASES) {
        Warehouse.deleteLeftovers(classic, database + ".db");
      }
      for (int i = 0; i < 3; i++) {
        on.add(Sessions.open());
      }
      return;
    }
    Path target = ServerProcess.targetDirectory();
    String run = UUID.randomUUID().toString().substring(0, 8);
    postgres =
        PostgresServer.start(
            target.resolve("postgres-shared-catalog-" + run), FreePort.find(), PASSWORD);
    postgres.createDatabase("vxconnect");
    cluster =
        ServerCluster.start(
            "shared-catalog",
            3,
            List.of(
                "vxconnect.state.jdbc.url=" + postgres.jdbcUrl("vxconnect"),
                "vxconnect.state.jdbc.user=" + PostgresServer.USER,
                "spark.sql.warehouse.dir=" + target.resolve("shared-catalog-warehouse-" + run)),
            Map.of("VXCONNECT_STATE_JDBC_PASSWORD", PASSWORD));
    for (ServerProcess server : cluster.servers()) {
      on.add(Sessions.connect(server.url()));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (!isOracle()) {
      for (SparkSession session : on) {
        session.close();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  void tablesMadeThroughOneInstanceAreReadThroughTheOthers() {
    SparkSession a = on.get(0);
    SparkSession b = on.get(1);
    SparkSession c = on.get(2);
    a.sql("create database sc_db");
    a.range(1000)
        .selectExpr("id", "id % 7 as k", "cast(id * 3 as string) as s")
        .write()
        .saveAsTable("sc_db.saved");
    a.sql(
        "create table sc_db.ctas as select id, concat('v', cast(id as string)) as s from range(40)");
    a.sql("create database sc_more");
    a.sql("create table sc_more.items (x int, label string)");
    a.sql("insert into sc_more.items values (1, 'one'), (2, 'two'), (3, null)");
    a.sql(
        "create view sc_db.totals as select k, count(*) as n, sum(id) as total from sc_db.saved group by k");
    if (!isOracle()) {
      // A permanent function of the Hive catalog; the oracle (no Hive) computes what it must give
      // with Spark's own upper().
      a.sql(
          "create function sc_db.sc_upper as 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper'");
    }
    String upper = isOracle() ? "upper" : "sc_db.sc_upper";

    checkOn(b, s -> s.table("sc_db.saved"));
    checkOn(c, s -> s.sql("select sum(id) as total, count(s) as n from sc_db.saved where k = 3"));
    checkOn(c, s -> s.sql("select * from sc_db.ctas"));
    checkOn(b, s -> s.table("sc_more.items"));
    checkOn(c, s -> s.sql("select * from sc_db.totals"));
    checkOn(b, s -> s.sql("select " + upper + "(s) as u from sc_db.ctas where id < 5"));
    checkOn(c, s -> s.sql("select " + upper + "(label) as u from sc_more.items"));
    checkValueOn(c, s -> names(s, "sc_db"));
    checkValueOn(b, s -> names(s, "sc_more"));

    c.sql("drop table sc_db.ctas");
    checkConditionOn(a, s -> s.table("sc_db.ctas"));
    checkValueOn(a, s -> names(s, "sc_db"));
    a.sql("insert into sc_more.items values (4, 'four')");
    checkOn(c, s -> s.table("sc_more.items"));
  }

  @Test
  @Order(2)
  void concurrentDdlFromThreeInstancesLeavesOneCatalog() throws Exception {
    CyclicBarrier phase = new CyclicBarrier(THREADS);
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger sharedCreated = new AtomicInteger();
    AtomicInteger sharedDropped = new AtomicInteger();
    on.get(0).sql("create database cc_db");
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        SparkSession s = on.get(t);
        done.add(
            threads.submit(
                () -> {
                  // Each instance: tables of its own, made and (every other one) dropped again...
                  for (int j = 0; j < TABLES_PER_THREAD; j++) {
                    String name = "cc_db.t" + thread + "_" + j;
                    s.sql("create table " + name + " (x int)");
                    if (j % 2 == 1) {
                      s.sql("drop table " + name);
                    }
                  }
                  // ...then all at once on the same names: each made once, then half of them
                  // dropped; the
                  // others' attempts fail, with the errors a single Spark gives for them.
                  phase.await();
                  for (int k = 0; k < SHARED_NAMES; k++) {
                    attempt(
                        s, "create table cc_db.shared_" + k + " (x int)", sharedCreated, errors);
                  }
                  phase.await();
                  for (int k = 0; k < SHARED_NAMES / 2; k++) {
                    attempt(s, "drop table cc_db.shared_" + k, sharedDropped, errors);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
    // Each name is made exactly once. A drop checks first, then drops: two sessions can both see
    // the table and both succeed (a single classic Spark does it too), so drops are counted at
    // least once; what is left is checked below.
    assertThat(sharedCreated).as("shared names made").hasValue(SHARED_NAMES);
    assertThat(sharedDropped)
        .as("shared names dropped")
        .hasValueGreaterThanOrEqualTo(SHARED_NAMES / 2);
    int attempts = THREADS * SHARED_NAMES + THREADS * SHARED_NAMES / 2;
    assertThat(errors)
        .as("the errors of the losing attempts")
        .hasSize(attempts - sharedCreated.get() - sharedDropped.get())
        .allMatch(
            e -> e.equals("TABLE_OR_VIEW_ALREADY_EXISTS") || e.equals("TABLE_OR_VIEW_NOT_FOUND"));
    for (SparkSession s : on) {
      checkValueOn(s, session -> names(session, "cc_db"));
    }
  }

  private static void attempt(
      SparkSession s, String ddl, AtomicInteger succeeded, List<String> errors) {
    try {
      s.sql(ddl);
      succeeded.incrementAndGet();
    } catch (Exception e) {
      // Not only RuntimeException: AnalysisException is a checked exception that Scala code throws.
      errors.add(
          e instanceof SparkThrowable error ? String.valueOf(error.getCondition()) : e.toString());
    }
  }

  @Test
  @Order(3)
  void everythingSurvivesTheKillOfEveryInstance() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    SparkSession client =
        isOracle()
            ? Sessions.open()
            : Sessions.connect(cluster.url() + "/;session_id=" + sessionId);
    try {
      client.conf().set("spark.sql.shuffle.partitions", "7");
      client.sql("create temp view sc_squares as select id, id * id as sq from range(25)");
      Consumer<SparkSession> reads =
          s -> {
            checkOn(s, x -> x.sql("select * from sc_squares where id > 3"));
            checkValueOn(s, x -> x.conf().get("spark.sql.shuffle.partitions"));
            checkOn(s, x -> x.table("sc_db.saved").groupBy("k").count());
            checkOn(s, x -> x.table("sc_more.items"));
            checkValueOn(s, x -> names(x, "sc_db"));
            checkValueOn(s, x -> names(x, "cc_db").size());
          };
      reads.accept(client);
      if (!isOracle()) {
        killEveryInstanceAndStartThemAgain();
      }
      // The same client goes on (the client checks the server-side session id of every answer:
      // a rebuilt session with another one would fail it with SESSION_CHANGED).
      reads.accept(client);
      if (!isOracle()) {
        assertThat(String.join("\n", logs()))
            .contains("Session " + sessionId + " of user")
            .containsPattern("Session " + sessionId + " of user \\S+ rebuilt");
      }
      // A client of its own (another JVM, as another program of the user would be) that names the
      // session id gets the same session.
      checkValue(
          s ->
              isOracle()
                  ? SessionProbe.describe(client)
                  : SessionProbe.inAnotherJvm(cluster.url() + "/;session_id=" + sessionId));
    } finally {
      if (!isOracle()) {
        client.close();
      }
    }
  }

  private void killEveryInstanceAndStartThemAgain() throws Exception {
    for (ServerProcess server : cluster.servers()) {
      server.kill();
    }
    Thread.sleep(ServerCluster.CLIENT_SETTLE_MS);
    ExecutorService starting = Executors.newFixedThreadPool(3);
    try {
      List<Future<ServerProcess>> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int index = i;
        started.add(starting.submit(() -> cluster.startAgain(index)));
      }
      for (Future<ServerProcess> f : started) {
        f.get();
      }
    } finally {
      starting.shutdownNow();
    }
  }

  private List<String> logs() throws Exception {
    List<String> logs = new ArrayList<>();
    for (ServerProcess server : cluster.servers()) {
      logs.add(server.logText());
    }
    return logs;
  }

  /** The names of a database's tables and views, sorted. */
  static List<String> names(SparkSession s, String database) {
    List<String> names = new ArrayList<>();
    for (Table table : Sneaky.call(() -> s.catalog().listTables(database)).collectAsList()) {
      names.add(table.name());
    }
    Collections.sort(names);
    return names;
  }
}
