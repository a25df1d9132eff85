package dev.vxconnect.e2e.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.RateStreams;
import dev.vxconnect.e2e.support.RowCountingClient;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.e2e.udf.Udfs;
import dev.vxconnect.testkit.RowCounter;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming queries that survive their instance (issue 17): three instances behind the test's load
 * balancer; a rate source into a file sink whose checkpoint is on a directory every instance sees;
 * the instance serving its session killed with kill -9. The instance that takes the session over
 * starts the query again from its checkpoint: through the handle the client already had, it has the
 * same id, reports progress past the batches before the kill, and stops; an awaitTermination() begun
 * before the kill returns when it is stopped; the sink holds every
 * rate value once, with no gap, in batches numbered without a gap. A query without a checkpoint
 * location of the user's is reported lost, by name; one the client stopped is not started again.
 * What is kept for failover is bounded: a query started beyond {@code
 * vxconnect.cluster.maxStreamingQueriesPerSession} and an artifact larger than {@code
 * vxconnect.cluster.maxReplicatedArtifactBytes} stay with their instance (issue 20, item 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(360)
class StreamingFailoverE2ETest {

  private static final long PROGRESS_DEADLINE_MS = 60_000;

  /** Running queries recorded per session: the first test's two are, a third would not be. */
  private static final int KEPT_QUERIES = 2;

  /** Artifacts replicated up to this size: the first test's jar is, a padded one is not. */
  private static final int KEPT_ARTIFACT_BYTES = 64 << 10;

  private ServerCluster cluster;
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeAll
  void start() throws Exception {
    cluster =
        ServerCluster.start(
            "streaming",
            3,
            List.of(
                "vxconnect.cluster.maxStreamingQueriesPerSession=" + KEPT_QUERIES,
                "vxconnect.cluster.maxReplicatedArtifactBytes=" + KEPT_ARTIFACT_BYTES));
  }

  @AfterAll
  void stop() {
    background.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(120)
  void aFileSinkQueryGoesOnUnderItsIdAfterItsInstanceIsKilledAndItsSinkHoldsEveryBatchOnce()
      throws Exception {
    String sessionId = UUID.randomUUID().toString();
    Path dir = newTestDirectory();
    Path sink = dir.resolve("sink");
    try (SparkSession client = connect(sessionId)) {
      StreamingQuery query = rateToParquet(client, dir.resolve("checkpoint"), sink);
      // foreachBatch with a JVM function of the test program, writing each batch keyed by its id.
      client.addArtifact(TestJars.of("batch-to-directory", BatchToDirectory.class).toString());
      Path keyedOutput = dir.resolve("keyed");
      StreamingQuery keyed =
          RateStreams.rate(client, 20)
              .foreachBatch(new BatchToDirectory(keyedOutput.toString()))
              .option("checkpointLocation", dir.resolve("keyed-checkpoint").toString())
              .trigger(Trigger.ProcessingTime("500 milliseconds"))
              .start();
      UUID id = query.id();
      UUID firstRun = query.runId();
      long beforeKill = awaitBatch(query, 2).batchId();
      long keyedBeforeKill = awaitBatch(keyed, 2).batchId();
      // Waiting for the query to end, across the kill: it goes on waiting for the new run.
      Future<?> waiting =
          background.submit(
              () -> {
                query.awaitTermination();
                return null;
              });
      Thread.sleep(500);

      kill(sessionId);

      StreamingQueryProgress after = awaitBatch(query, beforeKill + 2);
      assertThat(after.id()).as("the query's id after the kill").isEqualTo(id);
      assertThat(after.runId()).as("a new run: it was started again").isNotEqualTo(firstRun);
      assertThat(query.status().message()).as("the new run's status").isNotEmpty();
      assertThat(query.isActive()).isTrue();
      assertThat(query.recentProgress()).as("the new run's progress reports").isNotEmpty();
      StreamingQuery listed = client.streams().get(id);
      assertThat(listed).as("the session's active query with that id").isNotNull();
      assertThat(listed.runId()).isEqualTo(after.runId());
      assertThat(query.awaitTermination(200)).as("still running").isFalse();
      assertThat(waiting)
          .as("awaitTermination() from before the kill, while the query runs")
          .isNotDone();
      query.stop();
      waiting.get(30, TimeUnit.SECONDS);
      assertThat(query.isActive()).isFalse();
      assertThat(query.awaitTermination(1_000)).as("terminated once stopped").isTrue();
      assertThat(client.streams().active()).hasSize(1);

      // What the file sink committed (its _spark_metadata log, which spark.read follows): every
      // rate
      // value once, from 0 on without a gap, in batches 0..n without a gap.
      assertEveryValueOnce(client, sink);
      Set<Long> batches = committedBatches(sink);
      assertThat(batches).as("committed batches").hasSizeGreaterThan((int) beforeKill + 2);
      assertThat(batches.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("the last committed batch: no batch missing before it")
          .isEqualTo(batches.size() - 1);

      // The foreachBatch query went on too, and its output keyed by batch id has each batch once.
      assertThat(awaitBatch(keyed, keyedBeforeKill + 2).id()).isEqualTo(keyed.id());
      keyed.stop();
      assertEveryValueOnce(client, keyedOutput);
      // Each batch's directory, written completely (an empty batch, as the rate source's first can
      // be, has a file with no rows): 0..n without a gap.
      Set<Long> keyedBatches = writtenBatches(keyedOutput);
      assertThat(keyedBatches)
          .as("foreachBatch batches")
          .hasSizeGreaterThan((int) keyedBeforeKill + 2);
      assertThat(keyedBatches.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("the last foreachBatch batch: none missing before it")
          .isEqualTo(keyedBatches.size() - 1);
    }
  }

  /** The rate values under {@code path}: each once, from 0 on, with no gap. */
  private static void assertEveryValueOnce(SparkSession client, Path path) {
    Row stats =
        ((Row[])
                client
                    .read()
                    .parquet(path.toString())
                    .selectExpr(
                        "count(*) as n",
                        "count(distinct value) as distinct_values",
                        "min(value) as low",
                        "max(value) as high")
                    .collect())
            [0];
    long rows = stats.getLong(0);
    assertThat(rows).as("rows in %s", path).isGreaterThan(0);
    assertThat(stats.getLong(1)).as("distinct values: none twice").isEqualTo(rows);
    assertThat(stats.getLong(2)).as("the first value").isZero();
    assertThat(stats.getLong(3)).as("the last value: no gap before it").isEqualTo(rows - 1);
  }

  @Test
  @Timeout(120)
  void aQueryWithoutACheckpointLocationIsReportedLostAndAStoppedOneIsNotStartedAgain()
      throws Exception {
    String sessionId = UUID.randomUUID().toString();
    Path dir = newTestDirectory();
    try (SparkSession client = connect(sessionId)) {
      StreamingQuery stopped =
          RateStreams.rate(client)
              .format("parquet")
              .option("checkpointLocation", dir.resolve("checkpoint").toString())
              .start(dir.resolve("sink").toString());
      awaitBatch(stopped, 0);
      stopped.stop();
      StreamingQuery query =
          RateStreams.rate(client, 20)
              .format("memory")
              .queryName("lost_" + sessionId.replace('-', '_'))
              .trigger(Trigger.ProcessingTime("500 milliseconds"))
              .start();
      awaitBatch(query, 1);

      kill(sessionId);

      for (Throwable failure :
          List.of(
              catchThrowable(query::status),
              catchThrowable(query::lastProgress),
              catchThrowable(query::stop))) {
        assertThat(failure).as("a call on the lost query's handle").isNotNull();
        assertThat(failure.getMessage())
            .contains("VXCONNECT_FAILOVER.STREAMING_QUERY_LOST")
            .contains("no checkpoint location");
      }
      // The session goes on, without the query it had stopped.
      assertThat(((Row[]) client.sql("select 42 as answer").collect())[0].getInt(0)).isEqualTo(42);
      assertThat(client.streams().active()).as("queries running after the takeover").isEmpty();
    }
  }

  @Test
  @Timeout(240)
  void aQueryBeyondTheRecordedLimitAndAnArtifactOverTheReplicatedSizeStayWithTheirInstance()
      throws Exception {
    atLeastTwoInstancesUp();
    String sessionId = UUID.randomUUID().toString();
    Path dir = newTestDirectory();
    Path keptJar = TestJars.of("caps-kept", Udfs.class, Udfs.TimesTwo.class);
    Path largeJar =
        TestJars.padded("caps-large", 2 * KEPT_ARTIFACT_BYTES, Udfs.class, Udfs.Greeting.class);
    assertThat(Files.size(keptJar)).isLessThan(KEPT_ARTIFACT_BYTES);
    assertThat(Files.size(largeJar)).isGreaterThan(KEPT_ARTIFACT_BYTES);
    try (SparkSession client = connect(sessionId)) {
      client.addArtifact(keptJar.toString());
      client.udf().register("times_two", new Udfs.TimesTwo(), DataTypes.LongType);
      client.addArtifact(largeJar.toString());
      client.udf().register("greeting", new Udfs.Greeting(), DataTypes.StringType);
      assertThat(greeting(client)).isEqualTo("hello x hello x");
      // One after the other, so that the last is the one beyond the limit.
      List<StreamingQuery> queries = new ArrayList<>();
      for (int i = 0; i <= KEPT_QUERIES; i++) {
        StreamingQuery query =
            rateToParquet(client, dir.resolve("checkpoint-" + i), dir.resolve("sink-" + i));
        awaitBatch(query, 0);
        queries.add(query);
      }
      List<StreamingQuery> kept = queries.subList(0, KEPT_QUERIES);
      StreamingQuery beyond = queries.get(KEPT_QUERIES);
      long[] beforeKill = new long[KEPT_QUERIES];
      for (int i = 0; i < KEPT_QUERIES; i++) {
        beforeKill[i] = awaitBatch(kept.get(i), 1).batchId();
      }

      kill(sessionId);

      for (int i = 0; i < KEPT_QUERIES; i++) {
        assertThat(awaitBatch(kept.get(i), beforeKill[i] + 2).id())
            .as("recorded query %d after the kill", i)
            .isEqualTo(kept.get(i).id());
      }
      assertThat(
              Arrays.stream(client.streams().active())
                  .map(StreamingQuery::id)
                  .collect(Collectors.toSet()))
          .as("the queries running after the takeover: the recorded ones")
          .containsExactlyInAnyOrderElementsOf(kept.stream().map(StreamingQuery::id).toList());
      Throwable beyondStatus = catchThrowable(beyond::status);
      assertThat(beyondStatus).as("status of the query beyond the limit").isNotNull();
      // What Spark's planner answers for a query its session does not have.
      assertThat(beyondStatus.getMessage())
          .contains("Streaming query " + beyond.id() + " is not found");
      assertThat(client.streams().get(beyond.id())).as("the query beyond the limit").isNull();

      // The small jar came back with the session; the large one was not kept, so the UDF whose
      // class it held is not there, and the new instance logs the class it could not load.
      Row doubled = ((Row[]) client.sql("select times_two(21L) as n").collect())[0];
      assertThat(doubled.getLong(0)).isEqualTo(42);
      Throwable lostUdf = catchThrowable(() -> greeting(client));
      assertThat(lostUdf).as("the UDF whose class was in the large jar").isNotNull();
      assertThat(lostUdf.getMessage()).contains("UNRESOLVED_ROUTINE").contains("greeting");
      ServerProcess owner = cluster.ownerOf(sessionId).orElseThrow();
      assertThat(owner.logText().lines())
          .as("the new owner's log")
          .anyMatch(
              line ->
                  line.contains("Session " + sessionId + ": could not replay")
                      && line.contains("Failed to load class: " + Udfs.Greeting.class.getName()));
      // As docs/failover.md says: add it again.
      client.addArtifact(largeJar.toString());
      client.udf().register("greeting", new Udfs.Greeting(), DataTypes.StringType);
      assertThat(greeting(client)).isEqualTo("hello x hello x");
      for (StreamingQuery query : kept) {
        query.stop();
      }
    }
  }

  private static Path newTestDirectory() {
    return ServerProcess.targetDirectory().resolve("streaming-failover-" + UUID.randomUUID());
  }

  /** A client that names its session, so that it finds it again on the instance taking over. */
  private SparkSession connect(String sessionId) {
    return RowCountingClient.connect(cluster.url() + "/;session_id=" + sessionId, new RowCounter());
  }

  /** A rate source (20 rows a second) into a parquet file sink, checkpointed where given. */
  private static StreamingQuery rateToParquet(SparkSession client, Path checkpoint, Path sink)
      throws Exception {
    return RateStreams.rate(client, 20)
        .format("parquet")
        .option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.ProcessingTime("500 milliseconds"))
        .start(sink.toString());
  }

  private static String greeting(SparkSession client) {
    return ((Row[]) client.sql("select greeting('x', 2) as g").collect())[0].getString(0);
  }

  /** Starts killed instances again until two run: one to kill, one to take over. */
  private void atLeastTwoInstancesUp() throws Exception {
    List<ServerProcess> servers = cluster.servers();
    long alive = servers.stream().filter(ServerProcess::isAlive).count();
    for (int i = 0; i < servers.size() && alive < 2; i++) {
      if (!servers.get(i).isAlive()) {
        cluster.startAgain(i);
        alive++;
      }
    }
  }

  /** Kills the session's instance with kill -9, and lets the client's connection see it gone. */
  private void kill(String sessionId) throws InterruptedException {
    ServerProcess owner = cluster.ownerOf(sessionId).orElseThrow();
    owner.kill();
    Thread.sleep(ServerCluster.CLIENT_SETTLE_MS);
  }

  /** The query's last progress once its batch id is at least {@code batchId}. */
  private static StreamingQueryProgress awaitBatch(StreamingQuery query, long batchId)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + PROGRESS_DEADLINE_MS;
    StreamingQueryProgress last = null;
    while (System.currentTimeMillis() < deadline) {
      last = query.lastProgress();
      if (last != null && last.batchId() >= batchId) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "query "
            + query.id()
            + " did not reach batch "
            + batchId
            + " within "
            + PROGRESS_DEADLINE_MS
            + " ms (last progress: "
            + (last == null ? "none" : last.batchId())
            + ")");
  }

  /** The batch ids of the complete {@code batch=<id>} directories under {@code root}. */
  private static Set<Long> writtenBatches(Path root) throws IOException {
    Set<Long> batches = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(
              d ->
                  d.getFileName().toString().startsWith("batch=")
                      && Files.exists(d.resolve("_SUCCESS")))
          .forEach(
              d ->
                  batches.add(
                      Long.parseLong(d.getFileName().toString().substring("batch=".length()))));
    }
    return batches;
  }

  /** The batch ids in the file sink's log ("7", or "9.compact" every ten batches). */
  private static Set<Long> committedBatches(Path sink) throws IOException {
    Set<Long> batches = new TreeSet<>();
    try (Stream<Path> files = Files.list(sink.resolve("_spark_metadata"))) {
      files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("\\d+(\\.compact)?"))
          .forEach(name -> batches.add(Long.parseLong(name.replace(".compact", ""))));
    }
    return batches;
  }
}
