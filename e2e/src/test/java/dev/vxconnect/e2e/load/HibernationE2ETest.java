package dev.vxconnect.e2e.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.JvmHeap;
import dev.vxconnect.e2e.support.JvmThreads;
import dev.vxconnect.e2e.support.ServerBesideSpark;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.e2e.udf.Udfs;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Idle sessions hibernate and wake with their state (issue 21): many sessions of the official
 * client each set a conf, a temp view, a SQL function, and a Java UDF from a jar artifact, answer a
 * query that uses all four, and go idle with their client gone (the session not released). Once
 * every one has hibernated, the server holds no Spark session for them (instances of the
 * per-session classes are back to where they were) and its live heap per hibernated session is
 * at most a tenth of what an idle session costs Apache Spark's own Connect server, measured in the
 * same run. Then a new client on each session id gets the same answer as before, under the same
 * server-side session id. The expected answer of each state comes from Apache Spark's own server,
 * given the same state.
 *
 * <p>{@code -Dvxconnect.e2e.hibernateSessions=N} sets how many sessions (default 60; 1,000 in
 * bench/soak.sh hibernate).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(3600)
class HibernationE2ETest {

  private static final int SESSIONS = Integer.getInteger("vxconnect.e2e.hibernateSessions", 60);
  private static final int VARIANTS = 5;
  private static final int CLIENT_THREADS = 4;

  /** Sessions woken one at a time, with nothing else running, to time the first query. */
  private static final int TIMED_WAKES = 20;

  private static final Duration HIBERNATE_AFTER = Duration.ofSeconds(3);

  /**
   * How soon after the last hibernation no hibernated session's Spark side may be live. Not 60 s:
   * the threads Spark's pools made while a session was active do not keep it (PoolThreads).
   */
  private static final Duration RELEASE_WITHIN = Duration.ofSeconds(30);

  /** Idle sessions opened on Apache Spark's server to measure what one costs there. */
  private static final int SPARK_IDLE_SESSIONS = 30;

  private static final String[] ZONES = {
    "Asia/Tokyo", "Europe/Paris", "America/Lima", "Australia/Perth", "Africa/Nairobi"
  };

  /** Classes of which a session's Spark side holds one instance (or a few) while it is up. */
  private static final List<String> PER_SESSION =
      List.of(
          "org.apache.spark.sql.classic.SparkSession",
          "org.apache.spark.sql.internal.SessionState",
          "org.apache.spark.sql.connect.service.SessionHolder",
          "org.apache.spark.sql.artifact.ArtifactManager");

  /** Threads of Spark's pools that its queries' work makes, each living 60 s once idle. */
  private static final List<String> SPARK_POOL_THREADS =
      List.of(
          "QueryStageCreator",
          "ResultQueryStageExecution",
          "shuffle-exchange",
          "broadcast-exchange",
          "subquery",
          "dynamicpruning",
          "Executor task launch worker");

  private static final Pattern HIBERNATED = Pattern.compile("Session \\S+ of user \\S+ hibernated");

  /**
   * Both servers keep little query history (Spark's UI stores keep up to 1,000 SQL executions,
   * jobs and stages by default): a measure of what a session costs would count it otherwise,
   * and it is capped, not per session.
   */
  private static final List<String> LITTLE_HISTORY =
      List.of(
          "spark.sql.ui.retainedExecutions=5",
          "spark.ui.retainedJobs=5",
          "spark.ui.retainedStages=5",
          "spark.ui.retainedTasks=50");

  private ServerBesideSpark servers;
  private Path jar;

  @BeforeAll
  void startServers() throws Exception {
    jar = TestJars.of("hibernation-udfs", Udfs.class, Udfs.TimesTwo.class);
    List<String> confs = new ArrayList<>(LITTLE_HISTORY);
    confs.addAll(
        List.of(
            "vxconnect.session.hibernateAfter=" + HIBERNATE_AFTER.toMillis() + "ms",
            "spark.connect.session.manager.maintenanceInterval=500ms",
            // A client that goes right after its last query leaves that operation unreleased
            // (its release is sent in the background); the session hibernates once it is
            // abandoned, after this timeout (5 min by default).
            "spark.connect.execute.manager.detachedTimeout=2s",
            "spark.connect.execute.manager.maintenanceInterval=500ms",
            "vxconnect.session.maxSessionsPerUser=" + (SESSIONS + 10)));
    // Soft references are cleared at every collection, as under memory pressure: the JDK's
    // serialization cache keeps each class it described (a session's UDF class, with its class
    // loader) softly, for as long as the heap has room. Measured is what the JVM cannot free.
    servers =
        ServerBesideSpark.start(
            () -> SparkServerProcess.start("spark-hibernation", LITTLE_HISTORY),
            () ->
                ServerProcess.start(
                    "hibernation",
                    confs,
                    Map.of(
                        "VXCONNECT_JAVA_OPTS",
                        ServerProcess.QUICK_JAVA_OPTS + " -XX:SoftRefLRUPolicyMSPerMB=0")));
  }

  @AfterAll
  void stopServers() {
    if (servers != null) {
      servers.close();
    }
  }

  private static String user(int session) {
    return "sleeper-" + (session % 7);
  }

  private static String url(ServerProcess on, String user, String sessionId) {
    return on.url() + "/;user_id=" + user + ";session_id=" + sessionId;
  }

  /** Gives a session its state: conf, temp view, SQL function, and a UDF from a jar artifact. */
  private void setUp(SparkSession spark, int variant) {
    spark.conf().set("spark.sql.session.timeZone", ZONES[variant]);
    spark.sql(
        "create temp view numbers as select id, id * " + (variant + 2) + " as v from range(10)");
    spark.sql(
        "create temporary function plus_k(x bigint) returns bigint return x + " + variant * 100);
    spark.addArtifact(jar.toString());
    spark.udf().register("times_two", new Udfs.TimesTwo(), DataTypes.LongType);
  }

  /** A query that reads every part of the state. */
  private static List<Row> probe(SparkSession spark) {
    return Arrays.asList(
        (Row[])
            spark
                .sql(
                    "select current_timezone() as tz, sum(v) as s, max(plus_k(id)) as p,"
                        + " times_two(count(*)) as c from numbers")
                .collect());
  }

  /** The server-side session id the server answers this client's calls with. */
  private static String serverSideSessionId(SparkSession spark) throws Exception {
    Plan plan =
        Plan.newBuilder()
            .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1")))
            .build();
    // Read to the end: the client then releases the operation (a session waiting for a release
    // does not hibernate).
    var responses = ((org.apache.spark.sql.connect.SparkSession) spark).executeInternal(plan);
    try {
      String id = responses.next().getServerSideSessionId();
      while (responses.hasNext()) {
        responses.next();
      }
      return id;
    } finally {
      responses.close();
    }
  }

  /** Closes the client only: the session stays on the server (no ReleaseSession). */
  private static void leave(SparkSession spark) {
    org.apache.spark.sql.connect.SparkSession connect =
        (org.apache.spark.sql.connect.SparkSession) spark;
    connect.releaseSessionOnClose_$eq(false);
    connect.close();
  }

  @Test
  void idleSessionsHibernateAndWakeWithTheirState() throws Exception {
    List<List<Row>> expected = new ArrayList<>();
    for (int variant = 0; variant < VARIANTS; variant++) {
      try (SparkSession spark = Sessions.connect(servers.spark().url())) {
        setUp(spark, variant);
        expected.add(probe(spark));
      }
    }
    long sparkPerSession = idleSessionCostOnSparksServer();

    // The server warmed up by a session of each kind, closed.
    for (int variant = 0; variant < VARIANTS; variant++) {
      try (SparkSession warm =
          Sessions.connect(url(servers.vxconnect(), "warm", UUID.randomUUID().toString()))) {
        setUp(warm, variant);
        assertThat(probe(warm)).isEqualTo(expected.get(variant));
      }
    }
    JvmHeap.Live baseline = JvmHeap.live(servers.vxconnect().pid());
    JvmThreads baselineThreads = JvmThreads.of(servers.vxconnect().pid());

    String[] sessionIds = new String[SESSIONS];
    String[] serverSideIds = new String[SESSIONS];
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long startedAt = System.nanoTime();
    inParallel(
        i -> {
          sessionIds[i] = UUID.randomUUID().toString();
          SparkSession spark = Sessions.connect(url(servers.vxconnect(), user(i), sessionIds[i]));
          try {
            setUp(spark, i % VARIANTS);
            List<Row> answer = probe(spark);
            if (!answer.equals(expected.get(i % VARIANTS))) {
              failures.add("session " + i + " before hibernating: " + answer);
            }
            serverSideIds[i] = serverSideSessionId(spark);
          } finally {
            leave(spark);
          }
        });
    System.out.printf(
        "HibernationE2ETest: %d sessions set up in %d s%n",
        SESSIONS, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt));
    assertThat(failures).isEmpty();

    awaitHibernated(SESSIONS);
    // Released at once: no thread that Spark made for their queries keeps them (PoolThreads).
    long hibernatedAt = System.nanoTime();
    JvmHeap.Live released = released(baseline);
    long releasedAt = System.nanoTime();
    for (String perSession : PER_SESSION) {
      assertThat(released.of(perSession))
          .as("live %s within %s of the last hibernation", perSession, RELEASE_WITHIN)
          .isLessThanOrEqualTo(baseline.of(perSession));
    }
    JvmHeap.Live hibernated = settled(baselineThreads);
    System.out.printf(
        "HibernationE2ETest: Spark sides released %.1f s after the last hibernation, Spark's pool"
            + " threads ended %.0f s after that%n",
        (releasedAt - hibernatedAt) / 1e9, (System.nanoTime() - releasedAt) / 1e9);
    long perHibernated = Math.max(0, hibernated.bytes() - baseline.bytes()) / SESSIONS;
    System.out.printf(
        "HibernationE2ETest: live heap %d MiB at the start, %d MiB with %d sessions hibernated:"
            + " %d bytes per hibernated session; an idle session on Spark's server: %d bytes"
            + " (%.3fx)%n",
        baseline.bytes() >> 20,
        hibernated.bytes() >> 20,
        SESSIONS,
        perHibernated,
        sparkPerSession,
        (double) perHibernated / sparkPerSession);
    printGrowth(baseline, hibernated);
    assertThat(perHibernated)
        .as("live heap per hibernated session, at most a tenth of an idle one on Spark's server")
        .isLessThanOrEqualTo(sparkPerSession / 10);

    // Each wakes at its next call, on a new client: same state, same server-side id.
    // The first ones one at a time, for the time a wake adds; the rest with several clients.
    int timed = Math.min(TIMED_WAKES, SESSIONS);
    long[] wakeMillis = new long[timed];
    long[] againMillis = new long[timed];
    PerSession wake =
        i -> {
          SparkSession spark = Sessions.connect(url(servers.vxconnect(), user(i), sessionIds[i]));
          try {
            long t0 = System.nanoTime();
            List<Row> first = probe(spark);
            long t1 = System.nanoTime();
            List<Row> again = probe(spark);
            long t2 = System.nanoTime();
            if (i < timed) {
              wakeMillis[i] = TimeUnit.NANOSECONDS.toMillis(t1 - t0);
              againMillis[i] = TimeUnit.NANOSECONDS.toMillis(t2 - t1);
            }
            if (!first.equals(expected.get(i % VARIANTS)) || !again.equals(first)) {
              failures.add("session " + i + " after waking: " + first + " then " + again);
            }
            String serverSide = serverSideSessionId(spark);
            if (!serverSide.equals(serverSideIds[i])) {
              failures.add(
                  "session "
                      + i
                      + ": server-side id "
                      + serverSideIds[i]
                      + " became "
                      + serverSide);
            }
          } finally {
            Sessions.close(spark);
          }
        };
    for (int i = 0; i < timed; i++) {
      wake.run(i);
    }
    inParallel(timed, wake);
    assertThat(failures).isEmpty();
    assertThat(servers.vxconnect().logText()).doesNotContain("could not replay");
    System.out.printf(
        "HibernationE2ETest: %d wakes one at a time: first query on a woken session p50 %d ms"
            + " (p90 %d), the same query again p50 %d ms: %d ms extra at p50%n",
        timed,
        percentile(wakeMillis, 50),
        percentile(wakeMillis, 90),
        percentile(againMillis, 50),
        percentile(wakeMillis, 50) - percentile(againMillis, 50));
  }

  /** The server's live heap once the per-session classes are back to {@code baseline}'s, or after {@link #RELEASE_WITHIN}. */
  private JvmHeap.Live released(JvmHeap.Live baseline) throws Exception {
    long deadline = System.nanoTime() + RELEASE_WITHIN.toNanos();
    while (true) {
      JvmHeap.Live live = JvmHeap.live(servers.vxconnect().pid());
      boolean gone = PER_SESSION.stream().allMatch(c -> live.of(c) <= baseline.of(c));
      if (gone || System.nanoTime() > deadline) {
        return live;
      }
      Thread.sleep(2_000);
    }
  }

  /**
   * The server's live heap once the threads Spark's pools made for the sessions' queries have
   * ended (no more of them than at {@code baseline}, or after 180 s): an idle pool thread lives
   * 60 s, with its stack and thread-locals, which are not what a hibernated session costs.
   */
  private JvmHeap.Live settled(JvmThreads baseline) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (morePoolThreads(JvmThreads.of(servers.vxconnect().pid()), baseline)
        && System.nanoTime() < deadline) {
      Thread.sleep(5_000);
    }
    return JvmHeap.live(servers.vxconnect().pid());
  }

  private static boolean morePoolThreads(JvmThreads now, JvmThreads baseline) {
    return SPARK_POOL_THREADS.stream().anyMatch(p -> now.named(p) > baseline.named(p));
  }

  /** The classes whose live instances grew most between two measures, to tell what is held. */
  private static void printGrowth(JvmHeap.Live from, JvmHeap.Live to) {
    to.instances().entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - from.of(e.getKey())))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(25)
        .forEach(
            e -> System.out.printf("HibernationE2ETest:   +%d %s%n", e.getValue(), e.getKey()));
  }

  /**
   * Live heap of one idle session on Apache Spark's server: sessions given the same state and
   * asked the same query as vxconnect's, then left idle (still connected).
   */
  private long idleSessionCostOnSparksServer() throws Exception {
    long before = JvmHeap.liveBytes(servers.spark().pid());
    List<SparkSession> idle = new ArrayList<>();
    try {
      for (int i = 0; i < SPARK_IDLE_SESSIONS; i++) {
        SparkSession spark = Sessions.connect(servers.spark().url());
        idle.add(spark);
        setUp(spark, i % VARIANTS);
        probe(spark);
      }
      long after = JvmHeap.liveBytes(servers.spark().pid());
      return (after - before) / SPARK_IDLE_SESSIONS;
    } finally {
      idle.forEach(Sessions::close);
    }
  }

  private void awaitHibernated(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      Matcher lines = HIBERNATED.matcher(servers.vxconnect().logText());
      seen = 0;
      while (lines.find()) {
        seen++;
      }
      if (seen >= count) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(seen + " of " + count + " sessions hibernated within 5 minutes");
  }

  private interface PerSession {
    void run(int session) throws Exception;
  }

  private static void inParallel(PerSession work) throws Exception {
    inParallel(0, work);
  }

  /** Runs {@code work} for sessions {@code from} to the last on several client threads. */
  private static void inParallel(int from, PerSession work) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < SESSIONS; i++) {
        int session = i;
        done.add(
            clients.submit(
                () -> {
                  work.run(session);
                  return null;
                }));
      }
      for (Future<?> each : done) {
        each.get(30, TimeUnit.MINUTES);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }
}
