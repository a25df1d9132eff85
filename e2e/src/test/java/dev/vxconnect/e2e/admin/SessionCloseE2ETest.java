package dev.vxconnect.e2e.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.JvmHeap;
import dev.vxconnect.e2e.support.JvmThreads;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.plans.MlPlans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a session gives back everything it held (issue 19, item 3). Sessions of the official
 * client each add a jar, leave a streaming query running, cache a DataFrame and fit an ML model
 * kept in the session's ML cache (the JVM client has no ML API: the fit goes as PySpark's client
 * sends it, in the same session); then they are closed. Measured on the server process, before,
 * at the peak and after: live heap after a full GC, live threads, files and directories under its
 * temporary directory, running streaming queries (their threads) and cached RDDs and storage
 * memory (Spark's REST API). All must come back to where they started.
 *
 * <p>{@code -Dvxconnect.e2e.closeSessions} sets how many sessions (default 16, for verify), opened
 * {@code -Dvxconnect.e2e.closeBatch} at once (default 200), set up by {@code
 * -Dvxconnect.e2e.closeClients} client threads (default 4); docs/benchmarks.md has the 1,000-session
 * run.
 */
class SessionCloseE2ETest {

  private static final int SESSIONS = Integer.getInteger("vxconnect.e2e.closeSessions", 16);
  private static final int BATCH = Integer.getInteger("vxconnect.e2e.closeBatch", 200);
  private static final int CLIENTS = Integer.getInteger("vxconnect.e2e.closeClients", 4);
  private static final String USER = "closer";

  /**
   * What each session does, of jar, stream, cache, ml ({@code -Dvxconnect.e2e.closeUses}, all by
   * default): fewer to tell which one leaves something behind.
   */
  private static final Set<String> USES =
      Set.of(System.getProperty("vxconnect.e2e.closeUses", "jar,stream,cache,ml").split(","));

  /**
   * Live heap the server may keep after the sessions closed. Not session state: what Spark keeps
   * of any work, bounded whatever the number of sessions: the status store's jobs, stages and SQL
   * executions (the confs below keep 50 of each), the Connect tab's closed sessions and
   * statements (200 by default), code generated for the queries and its caches. A session that
   * kept its SparkSession, its cached data or its model would exceed it once enough sessions are
   * measured; see docs/benchmarks.md for the figures.
   */
  private static final long HEAP_ALLOWANCE = 24L << 20;

  /**
   * Classes with one instance per session (or per session that streamed, cached, fit): their live
   * instances must come back to their count before, exactly. The heap's bytes alone could not
   * tell a few leaked sessions from the status history Spark keeps.
   */
  private static final List<String> PER_SESSION =
      List.of(
          "org.apache.spark.sql.classic.SparkSession",
          "org.apache.spark.sql.internal.SessionState",
          "org.apache.spark.sql.connect.service.SessionHolder",
          "org.apache.spark.sql.classic.StreamingQueryManager",
          "org.apache.spark.sql.execution.streaming.runtime.StreamingQueryListenerBus",
          "org.apache.spark.sql.execution.streaming.runtime.MicroBatchExecution",
          "org.apache.spark.sql.execution.columnar.InMemoryRelation",
          "org.apache.spark.sql.connect.ml.MLCache",
          "org.apache.spark.ml.feature.MinMaxScalerModel",
          "org.apache.spark.sql.artifact.ArtifactManager");

  /** The use that makes the per-session classes' instances that are not in every session. */
  private static final Map<String, String> MADE_BY =
      Map.of(
          "org.apache.spark.sql.classic.StreamingQueryManager", "stream",
          "org.apache.spark.sql.execution.streaming.runtime.StreamingQueryListenerBus", "stream",
          "org.apache.spark.sql.execution.streaming.runtime.MicroBatchExecution", "stream",
          "org.apache.spark.sql.execution.columnar.InMemoryRelation", "cache",
          "org.apache.spark.sql.connect.ml.MLCache", "ml",
          "org.apache.spark.ml.feature.MinMaxScalerModel", "ml");

  /** Classes printed with the measures, to tell where a closed session is still held. */
  private static final List<String> HOLDERS =
      List.of(
          "dev.vxconnect.server.session.Session",
          "dev.vxconnect.server.session.Operation",
          "dev.vxconnect.planner.spark.SparkSessionContext",
          "org.apache.spark.sql.connect.service.ExecuteHolder",
          "org.apache.spark.sql.connect.planner.SparkConnectPlanner");

  /**
   * The block manager's blocks in memory, one entry each: they must come back exactly (blocks on
   * disk are files, counted with the temporary paths). Not the storage memory Spark's status store
   * shows (its REST API's executors' memoryUsed): measured, it keeps ~66 KB per session that fit
   * a model after every block is gone (no memory entry, no block file), so it cannot tell.
   */
  private static final List<String> MEMORY_BLOCKS =
      List.of(
          "org.apache.spark.storage.memory.SerializedMemoryEntry",
          "org.apache.spark.storage.memory.DeserializedMemoryEntry");

  /** How long what stops asynchronously (threads ending, pools' idle threads) may take. */
  private static final Duration SETTLE =
      Duration.ofSeconds(Integer.getInteger("vxconnect.e2e.closeSettleSeconds", 150));

  @TempDir static Path tmp;

  private static ServerProcess server;
  private static AdminHttp ui;
  private static Path jar;

  @BeforeAll
  static void start() throws IOException {
    int uiPort = FreePort.find();
    server =
        ServerProcess.start(
            "session-close",
            List.of(
                // Spark's REST API tells the cached RDDs and storage memory.
                "spark.ui.enabled=true",
                "spark.ui.port=" + uiPort,
                "spark.ui.retainedJobs=50",
                "spark.ui.retainedStages=50",
                "spark.sql.ui.retainedExecutions=50",
                // The short calls' and the closes' pools no larger than the clients' concurrency:
                // a fixed pool makes a thread for each task until it is full, so the first round
                // (one session per client) fills them before the baseline, as it must.
                "vxconnect.rpc.threads=" + CLIENTS,
                "vxconnect.artifacts.stagingDir=" + tmp.resolve("staging")),
            Map.of(
                "VXCONNECT_JAVA_OPTS",
                ServerProcess.QUICK_JAVA_OPTS + " -Djava.io.tmpdir=" + tmp,
                "SPARK_LOCAL_IP",
                "127.0.0.1"));
    ui = new AdminHttp(uiPort);
    jar = TestJars.of("session-close", Marker.class);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The class of the jar each session adds. */
  static final class Marker {}

  @Test
  void closedSessionsGiveBackEverythingTheyHeld() throws Exception {
    Duration limit = Duration.ofSeconds(2 * SETTLE.toSeconds() + 120 + 5L * SESSIONS);
    Assertions.assertTimeoutPreemptively(limit, this::openUseAndClose);
  }

  private void openUseAndClose() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (RawGrpc grpc = new RawGrpc(server.port())) {
      Footprint fresh = Footprint.of();
      // A first round at the same concurrency creates what the server creates once: worker
      // threads up to the concurrency, Spark's streaming and ML directories and threads. Its
      // sessions must be gone before the baseline is taken.
      closeAll(clients, openAll(clients, grpc, 0, CLIENTS));
      // Not back to fresh: the threads and directories made once stay (see the report).
      Settled before = awaitStable();

      long started = System.nanoTime();
      Footprint peak = null;
      for (int first = 0; first < SESSIONS; first += BATCH) {
        int count = Math.min(BATCH, SESSIONS - first);
        List<SparkSession> open = openAll(clients, grpc, CLIENTS + first, count);
        Footprint atPeak = Footprint.of();
        peak = peak == null || atPeak.heap() > peak.heap() ? atPeak : peak;
        assertThat(atPeak.streamingQueries)
            .as("running streaming queries")
            .isEqualTo(USES.contains("stream") ? count : 0);
        assertThat(atPeak.cachedRdds)
            .as("cached RDDs")
            .isGreaterThanOrEqualTo(USES.contains("cache") ? count : 0);
        // What the check after is about is really there while the sessions are open.
        for (String perSession : PER_SESSION) {
          String madeBy = MADE_BY.get(perSession);
          if (madeBy != null && !USES.contains(madeBy)) {
            continue;
          }
          assertThat(atPeak.live.of(perSession))
              .as("live %s with %d sessions open", perSession, count)
              .isGreaterThanOrEqualTo(before.footprint.live.of(perSession) + count);
        }
        closeAll(clients, open);
      }
      double used = (System.nanoTime() - started) / 1e9;
      Settled settled = awaitSettled(before.footprint, false);
      Footprint after = settled.footprint;

      System.out.printf(
          "SessionCloseE2ETest: %d sessions (%d at once) opened, used and closed in %.0f s,"
              + " settled in %.0f s (the first round's in %.0f s)%n  fresh  %s%n  before %s%n"
              + "  peak   %s%n  after  %s%n",
          SESSIONS,
          Math.min(BATCH, SESSIONS),
          used,
          settled.seconds,
          before.seconds,
          fresh,
          before.footprint,
          peak,
          after);
      Footprint base = before.footprint;
      for (String perSession : PER_SESSION) {
        assertThat(after.live.of(perSession))
            .as("live %s after the sessions closed", perSession)
            .isLessThanOrEqualTo(base.live.of(perSession));
      }
      assertThat(after.threads.moreThan(base.threads)).as("threads left").isEmpty();
      assertThat(after.threads.total())
          .as("live threads")
          .isLessThanOrEqualTo(base.threads.total());
      assertThat(after.streamingQueries).as("running streaming queries").isZero();
      Set<String> leftFiles = new TreeSet<>(after.tempFiles);
      leftFiles.removeAll(base.tempFiles);
      assertThat(leftFiles).as("temporary files and directories left").isEmpty();
      assertThat(after.tempFiles).as("temporary files and directories").isEqualTo(base.tempFiles);
      assertThat(after.cachedRdds).as("cached RDDs").isZero();
      assertThat(after.memoryBlocks()).as("blocks in memory").isEqualTo(base.memoryBlocks());
      assertThat(after.heap() - base.heap())
          .as("live heap left after the sessions closed")
          .isLessThan(HEAP_ALLOWANCE);
    } finally {
      clients.shutdownNow();
    }
  }

  /** Opens {@code count} sessions and uses each; numbered from {@code first}. */
  private static List<SparkSession> openAll(
      ExecutorService clients, RawGrpc grpc, int first, int count) throws Exception {
    List<Future<SparkSession>> opening = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      int n = i;
      opening.add(clients.submit(() -> use(grpc, n)));
    }
    List<SparkSession> open = new ArrayList<>();
    for (Future<SparkSession> f : opening) {
      open.add(f.get());
    }
    return open;
  }

  private static void closeAll(ExecutorService clients, List<SparkSession> sessions)
      throws Exception {
    List<Future<?>> closing = new ArrayList<>();
    for (SparkSession session : sessions) {
      closing.add(clients.submit(() -> Sessions.close(session)));
    }
    for (Future<?> f : closing) {
      f.get();
    }
  }

  /** A session that added a jar, runs a streaming query, cached a DataFrame and fit a model. */
  private static SparkSession use(RawGrpc grpc, int n) throws Exception {
    SparkSession session = Sessions.connect(server.url() + "/;user_id=" + USER);
    if (USES.contains("jar")) {
      session.addArtifact(jar.toString());
    }
    if (USES.contains("stream")) {
      session
          .readStream()
          .format("rate")
          .option("rowsPerSecond", "1")
          .load()
          .writeStream()
          .format("noop")
          .trigger(Trigger.ProcessingTime("60 seconds"))
          .start();
    }
    if (USES.contains("cache")) {
      // A plan of its own per session: one cache entry each.
      Dataset<Row> cached = session.range(0, 1000 + n).selectExpr("id", "id * 2 as twice");
      cached.cache();
      assertThat(cached.count()).isEqualTo(1000 + n);
    }
    if (USES.contains("ml")) {
      fitModel(grpc, Sessions.sessionId(session));
    }
    return session;
  }

  /** Fits a MinMaxScaler; the fitted model stays in the session's ML cache. */
  private static void fitModel(RawGrpc grpc, String sessionId) {
    MlCommand fit =
        MlPlans.fitScaler(
            Relation.newBuilder()
                .setSql(SQL.newBuilder().setQuery("select cast(id as double) as x from range(20)"))
                .build());
    List<ExecutePlanResponse> responses = new ArrayList<>();
    grpc.stub()
        .executePlan(
            RawGrpc.execute(
                    sessionId,
                    RawGrpc.user(USER),
                    Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(fit)).build())
                .build())
        .forEachRemaining(responses::add);
    assertThat(responses)
        .filteredOn(ExecutePlanResponse::hasMlCommandResult)
        .singleElement()
        .extracting(r -> r.getMlCommandResult().getOperatorInfo().getObjRef().getId())
        .as("the fitted model's reference in the session's ML cache")
        .asString()
        .isNotEmpty();
  }

  /** A measure once the server settled (or {@link #SETTLE} ran out), and how long it took. */
  private record Settled(Footprint footprint, boolean settled, double seconds) {}

  /**
   * Measures until the closed sessions are gone: the per-session classes' live instances back to
   * {@code base}'s; unless {@code countsOnly}, threads, streaming queries, files and storage back
   * to {@code base}'s too. Not at once: the threads Spark's pools made for the sessions' queries
   * end after 60 s idle, and some clean-ups run on Spark's own threads (blocks and shuffle files
   * after a GC).
   */
  private static Settled awaitSettled(Footprint base, boolean countsOnly) throws Exception {
    long start = System.nanoTime();
    long deadline = start + SETTLE.toNanos();
    Footprint now = Footprint.of();
    while (!(countsOnly ? now.sameSessions(base) : now.sameAs(base))
        && System.nanoTime() < deadline) {
      Thread.sleep(3_000);
      now = Footprint.of();
    }
    boolean settled = countsOnly ? now.sameSessions(base) : now.sameAs(base);
    return new Settled(now, settled, (System.nanoTime() - start) / 1e9);
  }

  /** Measures until two measures in a row agree (or {@link #SETTLE} ran out): the baseline. */
  private static Settled awaitStable() throws Exception {
    long start = System.nanoTime();
    long deadline = start + SETTLE.toNanos();
    Footprint last = Footprint.of();
    while (System.nanoTime() < deadline) {
      Thread.sleep(3_000);
      Footprint now = Footprint.of();
      boolean stable = now.sameAs(last) && last.sameAs(now);
      last = now;
      if (stable) {
        return new Settled(now, true, (System.nanoTime() - start) / 1e9);
      }
    }
    return new Settled(last, false, (System.nanoTime() - start) / 1e9);
  }

  /** What the server holds, measured from outside. */
  private record Footprint(
      JvmHeap.Live live,
      JvmThreads threads,
      int streamingQueries,
      Set<String> tempFiles,
      int cachedRdds,
      long storageMemory) {

    static Footprint of() throws Exception {
      JvmThreads threads = JvmThreads.of(server.pid());
      String app = ui.json("/api/v1/applications").get(0).get("id").asText();
      JsonNode rdds = ui.json("/api/v1/applications/" + app + "/storage/rdd");
      long storage = 0;
      for (JsonNode executor : ui.json("/api/v1/applications/" + app + "/executors")) {
        storage += executor.get("memoryUsed").asLong() + executor.get("diskUsed").asLong();
      }
      return new Footprint(
          JvmHeap.live(server.pid()),
          threads,
          threads.named("stream execution thread for"),
          temporaryPaths(),
          rdds.size(),
          storage);
    }

    /**
     * Every file and directory under the server's temporary directory, except the hash
     * directories of Spark's block manager ({@code blockmgr-<uuid>/<00-3f>}): Spark makes them
     * as blocks need them and never removes them, at most {@code spark.diskStore.subDirectories}
     * (64); the blocks in them are counted.
     */
    private static Set<String> temporaryPaths() throws IOException {
      // The server deletes files as the walk goes (a session's close is still tidying up): a
      // file gone under the walk means walking again; the caller waits for a stable picture.
      for (int attempt = 1; ; attempt++) {
        try (Stream<Path> paths = Files.walk(tmp)) {
          return paths
              .filter(p -> !(Files.isDirectory(p) && isBlockManagerHashDirectory(p)))
              .map(p -> tmp.relativize(p).toString())
              .collect(TreeSet::new, Set::add, Set::addAll);
        } catch (UncheckedIOException e) {
          if (!(e.getCause() instanceof NoSuchFileException) || attempt == 20) {
            throw e;
          }
        }
      }
    }

    private static boolean isBlockManagerHashDirectory(Path dir) {
      Path parent = dir.getParent();
      return parent != null
          && parent.getFileName() != null
          && parent.getFileName().toString().startsWith("blockmgr-");
    }

    long heap() {
      return live.bytes();
    }

    long memoryBlocks() {
      return MEMORY_BLOCKS.stream().mapToLong(live::of).sum();
    }

    /**
     * No more live instances of the per-session classes (fewer is fine: sessions of the first
     * round that long-lived threads still held at the baseline may be gone since).
     */
    boolean sameSessions(Footprint other) {
      return PER_SESSION.stream().allMatch(c -> live.of(c) <= other.live.of(c));
    }

    /** The same sessions, no more threads, the same queries, files and storage. */
    boolean sameAs(Footprint other) {
      return sameSessions(other)
          && threads.moreThan(other.threads).isEmpty()
          && threads.total() <= other.threads.total()
          && streamingQueries == other.streamingQueries
          && tempFiles.equals(other.tempFiles)
          && cachedRdds == other.cachedRdds
          && memoryBlocks() == other.memoryBlocks();
    }

    @Override
    public String toString() {
      return String.format(
          "heap %d MiB, %d threads, %d streaming queries, %d temporary paths, %d cached RDDs,"
              + " %d blocks in memory (status store: %d storage bytes), live %s",
          heap() >> 20,
          threads.total(),
          streamingQueries,
          tempFiles.size(),
          cachedRdds,
          memoryBlocks(),
          storageMemory,
          Stream.concat(PER_SESSION.stream(), HOLDERS.stream())
              .map(c -> c.substring(c.lastIndexOf('.') + 1) + "=" + live.of(c))
              .toList());
    }
  }
}
