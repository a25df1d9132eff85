package dev.vxconnect.e2e.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * What the cluster keeps stays bounded and goes with its session, on one cluster of three shared
 * by the cases (a short session timeout, a small tombstone bound, three sessions per user),
 * checked through the admin API's view of the shared records ({@code /admin/records}): a user
 * limited to three sessions is refused the fourth with RESOURCE_EXHAUSTED on every instance, and
 * may open one again once one is closed; a released session's record and artifacts are gone; the
 * closed ids stay within their bound after many sessions; a user limited to two operations running
 * one on each of two instances is refused a third on the third instance, and may run it once they
 * end; and, last, the session of a killed
 * instance, and its artifacts, expire after the session timeout (not before), as does an idle one
 * whose instance lives.
 *
 * <p>The number of sessions opened and closed for the tombstone bound is {@value
 * #SESSIONS_PROPERTY} (default {@value #DEFAULT_SESSIONS}; docs/benchmarks.md reports a big run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ClusterHygieneE2ETest {

  static final String SESSIONS_PROPERTY = "vxconnect.e2e.hygieneSessions";
  static final int DEFAULT_SESSIONS = 60;

  /**
   * Short, for the expiry case; long enough that a session the test holds does not go idle while
   * the next is opened on a busy machine.
   */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(20);

  private static final int LIMIT = 3;
  private static final int OPERATIONS = 2;
  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 60000L) as slept from range(1)";

  /** Hazelcast partitions of this cluster: few, so that a small tombstone bound is exact. */
  private static final int PARTITIONS = 7;

  private static final int TOMBSTONES = 21;

  private ServerCluster cluster;
  private AdminHttp admin;

  /** The back-off the refusals suggest: not the default, so that the test sees it is the one set. */
  private static final Duration RETRY_DELAY = Duration.ofMillis(1500);

  @BeforeAll
  void startCluster() throws Exception {
    cluster =
        ServerCluster.start(
            "hygiene",
            3,
            List.of(
                "spark.connect.session.manager.defaultSessionTimeout="
                    + SESSION_TIMEOUT.toSeconds()
                    + "s",
                "spark.connect.session.manager.maintenanceInterval=1s",
                "spark.connect.session.manager.closedSessionsTombstonesSize=" + TOMBSTONES,
                "vxconnect.session.maxSessionsPerUser=" + LIMIT,
                "vxconnect.execution.maxOperationsPerUser=" + OPERATIONS,
                "vxconnect.execution.retryDelay=" + RETRY_DELAY.toMillis() + "ms"),
            ServerCluster.DEFAULT_JAVA_OPTS + " -Dhazelcast.partition.count=" + PARTITIONS);
    admin = new AdminHttp(cluster.adminPort(0));
    // A first query costs each server seconds (warm-up is off in tests): paid here, so that the
    // cases open sessions quickly.
    for (int i = 0; i < 3; i++) {
      Sessions.close(open(server(i), "warm-up", UUID.randomUUID().toString()));
    }
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private ServerProcess server(int index) {
    return cluster.servers().get(index);
  }

  private static String url(ServerProcess server, String user, String sessionId) {
    return server.url() + "/;user_id=" + user + ";session_id=" + sessionId;
  }

  /** A session of the official client on {@code server}, made there by a first query. */
  private static SparkSession open(ServerProcess server, String user, String sessionId) {
    SparkSession spark = Sessions.connect(url(server, user, sessionId));
    assertThat(((Row[]) spark.sql("select 1 as one").collect())[0].getInt(0)).isEqualTo(1);
    return spark;
  }

  private JsonNode records() throws Exception {
    return admin.json("/admin/records");
  }

  private static boolean lists(JsonNode keys, String sessionId) {
    for (JsonNode key : keys) {
      if (key.get("session").asText().equals(sessionId)) {
        return true;
      }
    }
    return false;
  }

  /** Polls the records until {@code done} holds (or fails after {@code within}); the time taken. */
  private Duration awaitRecords(Predicate<JsonNode> done, Duration within, String what)
      throws Exception {
    long start = System.nanoTime();
    JsonNode now = records();
    while (!done.test(now)) {
      assertThat(System.nanoTime() - start)
          .as("%s within %s; records now %s", what, within, now)
          .isLessThan(within.toNanos());
      Thread.sleep(200);
      now = records();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A Config call (get all) that creates the session on {@code raw}'s server if it is new. */
  private static void touch(RawGrpc raw, String user, String sessionId) {
    raw.stub().config(RawGrpc.configGetAll(sessionId, user));
  }

  private static void release(RawGrpc raw, String user, String sessionId) {
    raw.stub()
        .releaseSession(
            ReleaseSessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setUserContext(RawGrpc.user(user))
                .build());
  }

  @Test
  @Order(1)
  void aUserLimitedToThreeSessionsIsRefusedTheFourthOnEveryInstance() throws Exception {
    String user = "limited-" + UUID.randomUUID().toString().substring(0, 8);
    List<SparkSession> held = new ArrayList<>();
    try {
      for (int i = 0; i < LIMIT; i++) {
        held.add(open(server(i), user, UUID.randomUUID().toString()));
      }
      assertThat(records().get("sessionsPerUser").get(user).asInt()).isEqualTo(LIMIT);
      for (int i = 0; i < 3; i++) {
        try (RawGrpc raw = new RawGrpc(server(i).port())) {
          StatusRuntimeException refused =
              catchThrowableOfType(
                  StatusRuntimeException.class,
                  () -> touch(raw, user, UUID.randomUUID().toString()));
          assertThat(refused).as("a fourth session on instance %d", i).isNotNull();
          assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(refused.getStatus().getDescription())
              .contains("User " + user + " holds " + LIMIT + " sessions over all instances")
              .contains("vxconnect.session.maxSessionsPerUser = " + LIMIT);
          assertThat(RawGrpc.retryDelay(refused)).as("RetryInfo").hasValue(RETRY_DELAY);
        }
      }
      // The refused sessions were not counted; closing one frees a place on any instance.
      Sessions.close(held.remove(1));
      held.add(open(server(2), user, UUID.randomUUID().toString()));
      assertThat(records().get("sessionsPerUser").get(user).asInt()).isEqualTo(LIMIT);
    } finally {
      held.forEach(Sessions::close);
    }
    awaitRecords(
        r -> !r.get("sessionsPerUser").has(user),
        Duration.ofSeconds(10),
        "the user's count gone with its sessions");
  }

  @Test
  @Order(2)
  void aReleasedSessionsRecordAndArtifactsAreGone() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    SparkSession spark = open(server(0), "releasing", sessionId);
    spark.addArtifact(
        TestJars.of("hygiene-released-" + UUID.randomUUID(), ClusterHygieneE2ETest.class)
            .toString());
    JsonNode before = records();
    assertThat(lists(before.get("sessions"), sessionId)).isTrue();
    assertThat(lists(before.get("artifacts"), sessionId)).as("artifact replicated").isTrue();
    Sessions.close(spark);
    awaitRecords(
        r -> !lists(r.get("sessions"), sessionId) && !lists(r.get("artifacts"), sessionId),
        Duration.ofSeconds(10),
        "the released session's record and artifacts gone");
  }

  @Test
  @Order(3)
  void closedIdsStayWithinTheirBoundAfterManySessions() throws Exception {
    int sessions = Integer.getInteger(SESSIONS_PROPERTY, DEFAULT_SESSIONS);
    String user = "closer";
    String last = null;
    long start = System.nanoTime();
    List<RawGrpc> raws = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        raws.add(new RawGrpc(server(i).port()));
      }
      for (int i = 0; i < sessions; i++) {
        RawGrpc raw = raws.get(i % 3);
        last = UUID.randomUUID().toString();
        touch(raw, user, last);
        release(raw, user, last);
      }
      System.out.printf(
          "ClusterHygieneE2ETest: %d sessions opened and closed in %d ms%n",
          sessions, Duration.ofNanos(System.nanoTime() - start).toMillis());
      JsonNode now = records();
      System.out.printf(
          "ClusterHygieneE2ETest: %d closed ids kept (bound %d), %d session records%n",
          now.get("tombstones").asInt(),
          now.get("tombstoneBound").asInt(),
          now.get("sessionRecords").asInt());
      assertThat(now.get("tombstoneBound").asInt()).isEqualTo(TOMBSTONES);
      assertThat(now.get("tombstones").asInt())
          .isPositive()
          .isLessThanOrEqualTo(Math.min(sessions, TOMBSTONES));
      assertThat(now.get("sessionsPerUser").has(user)).isFalse();
      // The latest closed id is remembered: it cannot be used again.
      String closed = last;
      StatusRuntimeException reused =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> touch(raws.get(1), user, closed));
      assertThat(reused).isNotNull();
      assertThat(RawGrpc.errorClass(reused)).contains("INVALID_HANDLE.SESSION_CLOSED");
    } finally {
      for (RawGrpc raw : raws) {
        raw.close();
      }
    }
  }

  /** Runs {@code select 1} in a session of {@code user} on {@code raw}'s server. */
  private static void selectOne(RawGrpc raw, String user, String sessionId) {
    raw.stub()
        .executePlan(
            ExecutePlanRequest.newBuilder()
                .setSessionId(sessionId)
                .setUserContext(RawGrpc.user(user))
                .setPlan(
                    Plan.newBuilder()
                        .setRoot(
                            Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1"))))
                .build())
        .forEachRemaining(response -> {});
  }

  @Test
  @Order(4)
  void aUserLimitedToTwoOperationsIsRefusedAThirdOnAnotherInstance() throws Exception {
    String user = "busy-" + UUID.randomUUID().toString().substring(0, 8);
    List<SparkSession> sessions = new ArrayList<>();
    List<CompletableFuture<Object>> slow = new ArrayList<>();
    try {
      for (int i = 0; i < OPERATIONS; i++) {
        String sessionId = UUID.randomUUID().toString();
        SparkSession spark = open(server(i), user, sessionId);
        sessions.add(spark);
        // The DataFrame first: sql() is an operation of its own, which the wait below could take
        // for the query (then interrupted before the query starts, which runs its full minute).
        Dataset<Row> query = spark.sql(SLOW);
        slow.add(CompletableFuture.supplyAsync(query::collect));
        admin.awaitOperation("/admin/sessions", sessionId, "RUNNING");
      }
      // One session of the user's third (of three) on the third instance, for every try.
      String third = UUID.randomUUID().toString();
      try (RawGrpc raw = new RawGrpc(server(2).port())) {
        StatusRuntimeException refused = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // The other instances' counts reach this one within milliseconds of their change.
        while (refused == null && System.nanoTime() < deadline) {
          refused =
              catchThrowableOfType(StatusRuntimeException.class, () -> selectOne(raw, user, third));
        }
        assertThat(refused).as("a third operation on the third instance").isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription())
            .contains("User " + user + " runs " + OPERATIONS + " operations over all instances")
            .contains("vxconnect.execution.maxOperationsPerUser = " + OPERATIONS);
        assertThat(RawGrpc.retryDelay(refused)).as("RetryInfo").hasValue(RETRY_DELAY);
        sessions.forEach(SparkSession::interruptAll);
        for (CompletableFuture<Object> query : slow) {
          catchThrowableOfType(Exception.class, () -> query.get(60, TimeUnit.SECONDS));
        }
        StatusRuntimeException stillRefused = null;
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
          stillRefused =
              catchThrowableOfType(StatusRuntimeException.class, () -> selectOne(raw, user, third));
        } while (stillRefused != null && System.nanoTime() < deadline);
        assertThat(stillRefused).as("once the others ended").isNull();
        release(raw, user, third);
      }
    } finally {
      sessions.forEach(Sessions::close);
    }
  }

  @Test
  @Order(5)
  void aKilledInstancesSessionAndItsArtifactsExpireAfterTheSessionTimeout() throws Exception {
    String orphanId = UUID.randomUUID().toString();
    String idleId = UUID.randomUUID().toString();
    String jar =
        TestJars.of("hygiene-expired-" + UUID.randomUUID(), ClusterHygieneE2ETest.class).toString();
    SparkSession orphan = open(server(2), "orphaned", orphanId);
    orphan.addArtifact(jar);
    SparkSession idle = open(server(0), "idle", idleId);
    idle.addArtifact(jar);
    JsonNode before = records();
    assertThat(lists(before.get("sessions"), orphanId)).isTrue();
    assertThat(lists(before.get("artifacts"), orphanId)).isTrue();
    assertThat(lists(before.get("artifacts"), idleId)).isTrue();

    server(2).kill();
    long killedAt = System.nanoTime();
    Duration idleGone =
        awaitRecords(
            r -> !lists(r.get("sessions"), idleId) && !lists(r.get("artifacts"), idleId),
            SESSION_TIMEOUT.plusSeconds(15),
            "the idle session (owner alive) expired with its artifacts");
    awaitRecords(
        r -> !lists(r.get("sessions"), orphanId) && !lists(r.get("artifacts"), orphanId),
        // member timeout (3 s) + the timeout + upkeep every second, less the wait above
        SESSION_TIMEOUT.plusSeconds(20),
        "the killed instance's session expired with its artifacts");
    Duration sinceKill = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.printf(
        "ClusterHygieneE2ETest: idle session gone after %d ms, orphaned one %d ms after the kill%n",
        idleGone.toMillis(), sinceKill.toMillis());
    assertThat(sinceKill).as("not before the session timeout").isGreaterThan(SESSION_TIMEOUT);
    JsonNode after = records();
    assertThat(after.get("sessionsPerUser").has("orphaned")).as("count released").isFalse();
    assertThat(after.get("sessionsPerUser").has("idle")).isFalse();
    // Expired as Spark expires a session: its id is closed, on every survivor.
    try (RawGrpc raw = new RawGrpc(server(1).port())) {
      StatusRuntimeException reused =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> touch(raw, "orphaned", orphanId));
      assertThat(reused).isNotNull();
      assertThat(RawGrpc.errorClass(reused)).contains("INVALID_HANDLE.SESSION_CLOSED");
    }
    catchThrowableOfType(RuntimeException.class, idle::close);
    // The orphan's client would retry its ReleaseSession to the dead server for minutes: its
    // channel is left to close with the test JVM.
    Thread closing = new Thread(() -> catchThrowableOfType(RuntimeException.class, orphan::close));
    closing.setDaemon(true);
    closing.start();
  }
}
