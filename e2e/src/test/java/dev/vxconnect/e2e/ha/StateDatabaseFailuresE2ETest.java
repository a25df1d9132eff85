package dev.vxconnect.e2e.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ConfigRequests;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PostgresServer;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * What goes wrong with the state database, and what the user sees (issue 16): a database that
 * cannot be reached or refuses the password stops the start with the URL and user (never the
 * password); a database lost while serving fails the calls that need it with UNAVAILABLE and a
 * retry delay, the rest goes on, and it all comes back by itself with the database (a command the
 * official client sent meanwhile is retried by the client itself, afresh, and succeeds); an instance
 * configured with another warehouse, or another database than its cluster's, is refused at start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class StateDatabaseFailuresE2ETest {

  private static final String PASSWORD = "secret-" + UUID.randomUUID();
  private static final Duration REFUSAL = Duration.ofSeconds(240);

  /** Well within the official client's retry budget (about 10 minutes of back-off). */
  private static final Duration RETRIED_CALL = Duration.ofSeconds(120);

  private PostgresServer postgres;
  private Path target;

  @BeforeAll
  void startPostgres() throws Exception {
    target = ServerProcess.targetDirectory();
    postgres =
        PostgresServer.start(
            target.resolve("postgres-state-failures-" + UUID.randomUUID()),
            FreePort.find(),
            PASSWORD);
    postgres.createDatabase("served");
    postgres.createDatabase("other");
    postgres.createDatabase("lost");
  }

  @AfterAll
  void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A cluster of its own. */
  private static List<String> stateConfs(String url, String user) {
    int clusterPort = FreePort.find();
    return stateConfs(url, user, "state-failures-" + UUID.randomUUID(), clusterPort, clusterPort);
  }

  /** A member of cluster {@code name} on {@code port}, joining the members on {@code join}. */
  private static List<String> stateConfs(
      String url, String user, String name, int port, int... join) {
    List<String> members = new ArrayList<>();
    for (int p : join) {
      members.add("127.0.0.1:" + p);
    }
    return new ArrayList<>(
        List.of(
            "vxconnect.state.jdbc.url=" + url,
            "vxconnect.state.jdbc.user=" + user,
            "vxconnect.cluster.name=" + name,
            "vxconnect.cluster.port=" + port,
            "vxconnect.cluster.members=" + String.join(",", members)));
  }

  /** The database password, and the cluster secret every member of these tests shares. */
  private static Map<String, String> password(String password) {
    return Map.of(
        "VXCONNECT_STATE_JDBC_PASSWORD",
        password,
        "VXCONNECT_CLUSTER_SECRET",
        "the-secret-of-the-state-database-tests");
  }

  @Test
  void anUnreachableDatabaseStopsTheStartAndSaysWhichOne() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + FreePort.find() + "/nowhere";
    ServerProcess.Exited exited =
        ServerProcess.startExpectingExit(
            "state-unreachable", stateConfs(url, "vx_operator"), password(PASSWORD), REFUSAL);
    assertThat(exited.code()).as("exit code").isNotZero();
    assertThat(exited.log())
        .contains("could not start: Cannot use the state database " + url + " (user vx_operator)")
        .contains("refused")
        .doesNotContain(PASSWORD);
  }

  @Test
  void aWrongPasswordStopsTheStartAndSaysWhichUser() throws Exception {
    String url = postgres.jdbcUrl("served");
    ServerProcess.Exited exited =
        ServerProcess.startExpectingExit(
            "state-wrong-password",
            stateConfs(url, PostgresServer.USER),
            password("not-" + PASSWORD),
            REFUSAL);
    assertThat(exited.code()).as("exit code").isNotZero();
    assertThat(exited.log())
        .contains(
            "could not start: Cannot use the state database "
                + url
                + " (user "
                + PostgresServer.USER
                + ")")
        .contains("password authentication failed")
        .doesNotContain(PASSWORD);
  }

  @Test
  void theClusterMayNotBeTurnedOffUnderADatabase() throws Exception {
    List<String> confs = stateConfs(postgres.jdbcUrl("served"), PostgresServer.USER);
    confs.add("vxconnect.cluster.enabled=false");
    ServerProcess.Exited exited =
        ServerProcess.startExpectingExit("state-no-cluster", confs, password(PASSWORD), REFUSAL);
    assertThat(exited.code()).as("exit code").isEqualTo(2);
    assertThat(exited.log())
        .contains("vxconnect.state.jdbc.url")
        .contains("vxconnect.cluster.enabled=true");
  }

  @Test
  void aLostDatabaseFailsOnlyWhatNeedsItAndComesBackByItself() throws Exception {
    List<String> confs = stateConfs(postgres.jdbcUrl("lost"), PostgresServer.USER);
    confs.add(
        "spark.sql.warehouse.dir=" + target.resolve("state-lost-warehouse-" + UUID.randomUUID()));
    ExecutorService retrying = Executors.newSingleThreadExecutor();
    Future<?> retried = null;
    String refusedOperation = null;
    try (ServerProcess server = ServerProcess.start("state-lost", confs, password(PASSWORD));
        RawGrpc raw = new RawGrpc(server.port());
        SparkSession client = Sessions.connect(server.url())) {
      client.conf().set("spark.sql.shuffle.partitions", "5");
      client.sql("create temp view lost_numbers as select id, id % 4 as k from range(100)");
      Row[] before =
          (Row[])
              client.sql("select k, count(*) from lost_numbers group by k order by k").collect();
      String rawSession = RawGrpc.newSessionId();
      raw.stub().config(set(rawSession, "spark.sql.ansi.enabled", "true"));
      String viewSession = RawGrpc.newSessionId();
      sql(raw, viewSession, "create temp view kept_view as select 1 as x");

      postgres.stopNow();
      try {
        // A change is refused, said plainly, with a delay to retry after; it did not happen.
        StatusRuntimeException refused =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> raw.stub().config(set(rawSession, "spark.sql.ansi.enabled", "false")));
        assertThat(refused).as("a conf change while the database is down").isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getStatus().getDescription())
            .contains(
                "The state database "
                    + postgres.jdbcUrl("lost")
                    + " (user "
                    + PostgresServer.USER
                    + ")")
            .contains("Nothing was changed; retry later")
            .doesNotContain(PASSWORD);
        assertThat(RawGrpc.retryDelay(refused)).as("RetryInfo").isPresent();
        // A command that changes the session: run, but not recorded, so refused the same way.
        StatusRuntimeException notRecorded =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> sql(raw, viewSession, "create temp view refused_view as select 2 as x"));
        assertThat(notRecorded).as("a temp view made while the database is down").isNotNull();
        assertThat(notRecorded.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(notRecorded.getStatus().getDescription())
            .contains("Nothing was changed; retry later");
        // A new session needs its record: refused the same way.
        StatusRuntimeException noSession =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    raw.stub()
                        .config(set(RawGrpc.newSessionId(), "spark.sql.ansi.enabled", "true")));
        assertThat(noSession).isNotNull();
        assertThat(noSession.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        // What the session in memory can do without the database, it still does.
        Row[] during =
            (Row[])
                client.sql("select k, count(*) from lost_numbers group by k order by k").collect();
        assertThat(during).containsExactly(before);
        assertThat(client.conf().get("spark.sql.shuffle.partitions")).isEqualTo("5");
        // The official client's own retry of a refused command: the same call goes on by itself.
        retried =
            retrying.submit(() -> client.sql("create temp view retried_view as select 7 as x"));
        refusedOperation = awaitRefused(server, sessionId(client));
        awaitLogged(
            server,
            "Reattach to operation "
                + refusedOperation
                + " of session "
                + sessionId(client)
                + ", refused for its client to retry: not found");
        assertThat(retried.isDone())
            .as("the call waits, retrying, while the database is down")
            .isFalse();
      } finally {
        postgres.startServer();
      }
      // Within the client's retry budget: the same call succeeded, without the user retrying.
      retried.get(RETRIED_CALL.toSeconds(), TimeUnit.SECONDS);
      Row[] view = (Row[]) client.sql("select * from retried_view").collect();
      assertThat(view).hasSize(1);
      assertThat(view[0].getInt(0)).isEqualTo(7);
      // The client reattached to the refused operation, was told it did not exist, and sent the
      // same ExecutePlan again, each time; no reattach ever resumed the failed operation. The
      // command took effect once: `create temp view` (not `or replace`) would have failed had a
      // refused run's view survived.
      String log = server.logText();
      String operation = "Operation " + refusedOperation + " of session " + sessionId(client);
      int refusals = count(log, operation + ": refused for its client to retry, forgotten");
      assertThat(refusals).isPositive();
      assertThat(count(log, operation + ": sent again after it was refused, runs afresh"))
          .as("each refusal is followed by one fresh run, the last one the one that succeeded")
          .isEqualTo(refusals);
      assertThat(count(log, operation + " reattached"))
          .as("reattaches that resumed the refused operation")
          .isZero();
      // Back by itself, the refused changes were never made, and they can be made now.
      assertThat(get(raw, rawSession, "spark.sql.ansi.enabled")).isEqualTo("true");
      sql(raw, viewSession, "select * from kept_view");
      StatusRuntimeException gone =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> sql(raw, viewSession, "select * from refused_view"));
      assertThat(gone).as("the refused temp view").isNotNull();
      assertThat(RawGrpc.errorClass(gone)).contains("TABLE_OR_VIEW_NOT_FOUND");
      sql(raw, viewSession, "create temp view refused_view as select 2 as x");
      sql(raw, viewSession, "select * from refused_view");
      raw.stub().config(set(rawSession, "spark.sql.ansi.enabled", "false"));
      assertThat(get(raw, rawSession, "spark.sql.ansi.enabled")).isEqualTo("false");
      client.conf().set("spark.sql.shuffle.partitions", "6");
      assertThat(client.conf().get("spark.sql.shuffle.partitions")).isEqualTo("6");
    } finally {
      retrying.shutdownNow();
    }
  }

  private static String sessionId(SparkSession client) {
    return ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
  }

  /** The id of the first operation of the session refused for its client to retry, once logged. */
  private static String awaitRefused(ServerProcess server, String sessionId) throws Exception {
    Pattern refused =
        Pattern.compile(
            "Operation ([0-9a-f-]{36}) of session "
                + Pattern.quote(sessionId)
                + ": refused for its client to retry, forgotten");
    long deadline = System.nanoTime() + RETRIED_CALL.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher found = refused.matcher(server.logText());
      if (found.find()) {
        return found.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no operation of session " + sessionId + " was refused");
  }

  private static void awaitLogged(ServerProcess server, String line) throws Exception {
    long deadline = System.nanoTime() + RETRIED_CALL.toNanos();
    while (!server.logText().contains(line)) {
      assertThat(System.nanoTime()).as("logged in time: " + line).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      n++;
    }
    return n;
  }

  @Test
  void instancesThatDisagreeOnTheWarehouseOrTheDatabaseAreRefused() throws Exception {
    String cluster = "state-agree-" + UUID.randomUUID();
    int firstPort = FreePort.find();
    List<String> confs =
        stateConfs(postgres.jdbcUrl("served"), PostgresServer.USER, cluster, firstPort, firstPort);
    Path warehouse = target.resolve("state-agree-warehouse-" + UUID.randomUUID());
    confs.add("spark.sql.warehouse.dir=" + warehouse);
    ExecutorService starting = Executors.newFixedThreadPool(2);
    try (ServerProcess first = ServerProcess.start("state-agree", confs, password(PASSWORD))) {
      // Same database, another warehouse: the tables' data would split.
      List<String> otherWarehouse = stateConfs(postgres.jdbcUrl("served"), PostgresServer.USER);
      otherWarehouse.add(
          "spark.sql.warehouse.dir="
              + target.resolve("state-other-warehouse-" + UUID.randomUUID()));
      // The first instance's cluster, another database: the records would split.
      int otherPort = FreePort.find();
      List<String> otherDatabase =
          stateConfs(
              postgres.jdbcUrl("other"),
              PostgresServer.USER,
              cluster,
              otherPort,
              firstPort,
              otherPort);
      // The two have nothing to do with each other (another cluster; another database): they start
      // together, so that the test waits for one refused start instead of two in a row.
      Future<ServerProcess.Exited> refusing =
          starting.submit(
              () ->
                  ServerProcess.startExpectingExit(
                      "state-other-warehouse", otherWarehouse, password(PASSWORD), REFUSAL));
      Future<ServerProcess.Exited> splitting =
          starting.submit(
              () ->
                  ServerProcess.startExpectingExit(
                      "state-other-database", otherDatabase, password(PASSWORD), REFUSAL));

      ServerProcess.Exited refused = refusing.get();
      assertThat(refused.code()).isNotZero();
      assertThat(refused.log())
          .contains("could not start: This instance's warehouse is file:")
          .contains("records file:" + warehouse);

      ServerProcess.Exited split = splitting.get();
      assertThat(split.code()).isNotZero();
      assertThat(split.log())
          .contains("must use the same vxconnect.state.jdbc.url database")
          .contains(postgres.jdbcUrl("other"));
      // The first instance serves on.
      try (SparkSession client = Sessions.connect(first.url())) {
        assertThat(((Row[]) client.sql("select 1 as one").collect())[0].getInt(0)).isEqualTo(1);
      }
    } finally {
      starting.shutdownNow();
    }
  }

  private static ConfigRequest set(String sessionId, String key, String value) {
    return ConfigRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(RawGrpc.user("state-user"))
        .setOperation(ConfigRequests.set(key, value))
        .build();
  }

  /** Runs a SQL command on the raw session and reads its whole answer. */
  private static void sql(RawGrpc raw, String sessionId, String text) {
    raw.stub()
        .executePlan(
            RawGrpc.execute(sessionId, RawGrpc.user("state-user"), RawGrpc.sqlCommand(text))
                .build())
        .forEachRemaining(response -> {});
  }

  private static String get(RawGrpc raw, String sessionId, String key) {
    ConfigRequest request =
        ConfigRequest.newBuilder()
            .setSessionId(sessionId)
            .setUserContext(RawGrpc.user("state-user"))
            .setOperation(
                ConfigRequest.Operation.newBuilder()
                    .setGet(ConfigRequest.Get.newBuilder().addKeys(key)))
            .build();
    return raw.stub().config(request).getPairs(0).getValue();
  }
}
