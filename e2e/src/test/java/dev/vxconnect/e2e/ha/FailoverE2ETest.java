package dev.vxconnect.e2e.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.Futures;
import dev.vxconnect.e2e.support.Interrupts;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.e2e.support.coverage.RecordsScenario;
import dev.vxconnect.e2e.udf.Udfs;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three vxconnect processes in one cluster behind a load balancer (a TCP proxy in the test), used
 * by the official client exactly as a user would: no code here reconnects or retries. Calls that
 * reach an instance which does not hold their session are forwarded to the one that does; when
 * that instance is killed (kill -9), the next call makes a survivor take the session over and
 * rebuild it from its replicated record, with the same server-side session id, conf, temp views,
 * functions and artifacts. (The client checks the server-side session id of every response and
 * sends the one it saw with every call; the server answers SESSION_CHANGED if it differs, so every
 * successful call after the kill shows it kept.)
 *
 * <p>The tests share the cluster and run in order: the forwarding test needs every instance, the
 * failover test then kills one. Every instance serves an admin port; the second's lists the
 * session the first serves (the cluster-wide listing).
 *
 * <p>Tagged timing: the first query after the kill must complete within 5 s, which it does on a
 * machine given to it (the run of timing classes, alone) and not always on two cores shared with
 * the parallel server run's clusters (5.6 s seen there: the survivor's replay took 2 s).
 */
@Tag("timing")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RecordsScenario.class)
@Timeout(600)
class FailoverE2ETest {

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 60000L) as slept from range(1)";

  private ServerCluster cluster;
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeAll
  void startCluster() throws Exception {
    // Warmed up as in production: the time to the first result after a kill is asserted.
    cluster = ServerCluster.start("failover", 3, List.of(ServerProcess.WARMUP + "=true"));
  }

  @AfterAll
  void stopCluster() {
    background.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void callsOnTheWrongInstanceAreForwardedAndInterruptsReachTheQuery() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ServerProcess first = cluster.servers().get(0);
    ServerProcess second = cluster.servers().get(1);
    try (SparkSession onFirst = Sessions.connect(first.url() + "/;session_id=" + sessionId);
        SparkSession onSecond = Sessions.connect(second.url() + "/;session_id=" + sessionId)) {
      onFirst.sql("create temp view numbers as select id, id % 3 as k from range(30)");
      Row[] direct =
          (Row[]) onFirst.sql("select k, count(*) from numbers group by k order by k").collect();

      // The same session through the other instance: its temp view, hence its Spark session.
      Row[] forwarded =
          (Row[]) onSecond.sql("select k, count(*) from numbers group by k order by k").collect();
      assertThat(forwarded).containsExactly(direct);
      assertThat(cluster.ownerOf(sessionId)).contains(first);
      assertThat(second.logText()).doesNotContain("Session " + sessionId + " of user");

      // A query running on the first instance, listed by the second's admin service (the
      // cluster-wide listing), then interrupted through the second.
      Future<Row[]> slow = background.submit(() -> (Row[]) onFirst.sql(SLOW).collect());
      String firstId =
          new AdminHttp(cluster.adminPort(0))
              .json("/admin/sessions?scope=instance")
              .get("instance")
              .asText();
      AdminHttp secondAdmin = new AdminHttp(cluster.adminPort(1));
      JsonNode listed = secondAdmin.awaitOperation("/admin/sessions", sessionId, "RUNNING");
      assertThat(listed.get("instance").asText()).as("the session's instance").isEqualTo(firstId);
      JsonNode instances = secondAdmin.json("/admin/sessions").get("instances");
      assertThat(instances)
          .as("every instance answered: %s", instances)
          .hasSize(3)
          .allSatisfy(instance -> assertThat(instance.has("sessions")).isTrue());
      assertThat(secondAdmin.get("/admin"))
          .contains("<code>" + sessionId + "</code>")
          .contains("<td>" + firstId + "</td>");
      List<String> interrupted = Interrupts.whenRunning(onSecond::interruptAll);
      assertThat(interrupted).hasSize(1);
      Throwable failure = Futures.failureOf(slow);
      assertThat(failure).as("the interrupted query's failure").isNotNull();
      assertThat(failure.getMessage()).contains("OPERATION_CANCELED");
    }
  }

  @Test
  @Order(2)
  void sessionStateSurvivesTheKillOfItsInstance() throws Exception {
    Path jar = TestJars.of("failover-udfs", Udfs.class, Udfs.TimesTwo.class);
    try (SparkSession client = Sessions.connect(cluster.url())) {
      client.sql(
          "create temp view sales as"
              + " select id, id % 7 as region, id * 3 as amount from range(1000)");
      client.range(50).selectExpr("id", "id % 4 as k").createOrReplaceTempView("small");
      client.conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
      client.conf().set("spark.sql.shuffle.partitions", "3");
      client.addArtifact(jar.toString());
      client.udf().register("times_two", new Udfs.TimesTwo(), DataTypes.LongType);

      List<String> queries =
          List.of(
              "select region, sum(amount) as total from sales group by region order by region",
              "select k, times_two(count(*)) as twice from small group by k order by k",
              "select current_timezone() as tz, (select count(*) from sales s join small m on s.id = m.id) as joined");
      List<Row[]> before = queries.stream().map(q -> (Row[]) client.sql(q).collect()).toList();
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
      ServerProcess owner = cluster.ownerOf(sessionId).orElseThrow();
      owner.kill();
      long killedAt = System.nanoTime();
      Thread.sleep(ServerCluster.CLIENT_SETTLE_MS); // counted in the 5 s

      Row[] firstAfter = (Row[]) client.sql(queries.get(0)).collect();
      long firstAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "FailoverE2ETest: first query after the kill took %d ms%n", firstAfterMillis);

      assertThat(firstAfter).containsExactly(before.get(0));
      for (int i = 1; i < queries.size(); i++) {
        assertThat((Row[]) client.sql(queries.get(i)).collect())
            .as(queries.get(i))
            .containsExactly(before.get(i));
      }
      assertThat(client.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
      ServerProcess survivor = cluster.ownerOf(sessionId).orElseThrow();
      assertThat(survivor).isNotSameAs(owner);
      assertThat(survivor.logText()).contains("Session " + sessionId + " of user");
      assertThat(firstAfterMillis).as("ms from the kill to the first result").isLessThan(5_000);
    }
  }

  @Test
  @Order(3)
  void aQueryRunningWhenItsInstanceIsKilledIsRunAgainElsewhere() throws Exception {
    try (SparkSession client = Sessions.connect(cluster.url())) {
      client.sql("create temp view base as select id from range(100)");
      Row[] before = (Row[]) client.sql("select sum(id) as total from base").collect();
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
      ServerProcess owner = cluster.ownerOf(sessionId).orElseThrow();
      int logStart = owner.logText().length();

      Future<Row[]> running =
          background.submit(
              () ->
                  (Row[])
                      client
                          .sql(
                              "select id, java_method('java.lang.Thread', 'sleep', 8000L) as slept from range(1)")
                          .collect());
      awaitLog(owner, logStart, "accepted (reattachable");
      Thread.sleep(500); // the query is in its task now
      owner.kill();

      // Killed in its task, before any result batch: the client reattaches on its own, and the
      // survivor runs the read-only query again for it (docs/failover.md).
      Row[] rows = running.get(120, TimeUnit.SECONDS);
      assertThat(rows).hasSize(1);
      assertThat(rows[0].getLong(0)).isZero();
      assertThat((Row[]) client.sql("select sum(id) as total from base").collect())
          .containsExactly(before);
      ServerProcess survivor = cluster.ownerOf(sessionId).orElseThrow();
      assertThat(survivor).isNotSameAs(owner);
      assertThat(survivor.logText())
          .contains("lost with its instance before any result: running it again");
    }
  }

  private static void awaitLog(ServerProcess server, int from, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!server.logText().substring(from).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not log '" + text + "' within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
