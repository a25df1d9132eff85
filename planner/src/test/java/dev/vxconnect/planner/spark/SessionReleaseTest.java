package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.testkit.plans.MlPlans;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.SparkFiles;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.connect.proto.WriteStreamOperationStart;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryListenerBus;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's close gives back what it held on a local Spark: its streaming query stopped and
 * forgotten (with its listener bus), its persisted DataFrame uncached, its ML model and model
 * directory, its artifact directory; and a session that used none of these gets none created by
 * its close.
 */
class SessionReleaseTest {

  private static SparkSession spark;
  private static final PersistedPlans persisted = new PersistedPlans();

  @TempDir Path staging;

  @BeforeAll
  static void startSpark() {
    spark =
        LocalSpark.builder("session-release")
            // As the server's engine: artifacts per session.
            .config(SQLConf.ARTIFACTS_SESSION_ISOLATION_ENABLED().key(), "true")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SessionHolder newHolder() {
    return new SessionHolder("user", UUID.randomUUID().toString(), spark.newSession());
  }

  private static SparkSessionContext open(SessionHolder holder) {
    return new SparkSessionContext(
        holder,
        new EngineOptions(Map.of(), 1 << 20, false, false, List.of(), Optional.empty()),
        Optional.empty(),
        new ProgressTracker(),
        persisted);
  }

  private static ExecutePlanRequest request(SessionHolder holder, Plan plan) {
    return ExecutePlanRequest.newBuilder()
        .setSessionId(holder.sessionId())
        .setUserContext(UserContext.newBuilder().setUserId(holder.userId()))
        .setOperationId(UUID.randomUUID().toString())
        .setPlan(plan)
        .build();
  }

  /** Runs {@code plan} in the background; returns once a task of the session runs. */
  private static CompletableFuture<Void> runningATask(
      SparkSessionContext session, SessionHolder holder, Plan plan) throws InterruptedException {
    CompletableFuture<Void> query =
        CompletableFuture.runAsync(
            () -> {
              try {
                session.execute(request(holder, plan), response -> {}, Cancellation.NEVER);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    Set<String> state = Set.of(holder.artifactManager().state().uuid());
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!LocalExecutorSessions.runsTaskOf(state) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(LocalExecutorSessions.runsTaskOf(state)).as("a task of the session").isTrue();
    return query;
  }

  private static AnalyzePlanRequest schemaOf(SessionHolder holder, Plan plan) {
    return AnalyzePlanRequest.newBuilder()
        .setSessionId(holder.sessionId())
        .setUserContext(UserContext.newBuilder().setUserId(holder.userId()))
        .setSchema(AnalyzePlanRequest.Schema.newBuilder().setPlan(plan))
        .build();
  }

  private static Relation sql(String query) {
    return Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query)).build();
  }

  private static Command rateToNoop() {
    Relation rate =
        Relation.newBuilder()
            .setRead(
                Read.newBuilder()
                    .setIsStreaming(true)
                    .setDataSource(
                        Read.DataSource.newBuilder()
                            .setFormat("rate")
                            .putOptions("rowsPerSecond", "1")))
            .build();
    return Command.newBuilder()
        .setWriteStreamOperationStart(
            WriteStreamOperationStart.newBuilder()
                .setInput(rate)
                .setFormat("noop")
                .setProcessingTimeInterval("60 seconds"))
        .build();
  }

  private static Command fitScaler() {
    return Command.newBuilder()
        .setMlCommand(MlPlans.fitScaler(sql("select cast(id as double) as x from range(10)")))
        .build();
  }

  private static long streamingBuses() {
    return spark.sparkContext().listenerBus().listeners().stream()
        .filter(StreamingQueryListenerBus.class::isInstance)
        .count();
  }

  @Test
  void closeFreesStreamingPersistedDataModelsAndArtifacts() throws Exception {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    long busesBefore = streamingBuses();

    // First, so that the session's tasks run with its own artifacts on the executor.
    Path file = Files.writeString(staging.resolve("hello.txt"), "hello");
    session.addArtifact("files/hello.txt", file);
    session.execute(
        request(holder, Plan.newBuilder().setCommand(rateToNoop()).build()),
        response -> {},
        Cancellation.NEVER);
    Relation cached = sql("select id, id * 2 as twice from range(1000)");
    session.analyze(
        AnalyzePlanRequest.newBuilder()
            .setSessionId(holder.sessionId())
            .setUserContext(UserContext.newBuilder().setUserId(holder.userId()))
            .setPersist(AnalyzePlanRequest.Persist.newBuilder().setRelation(cached))
            .build());
    // Fills the cache (its blocks), as the client's count() after cache() does.
    session.execute(
        request(holder, Plan.newBuilder().setRoot(cached).build()),
        response -> {},
        Cancellation.NEVER);
    session.execute(
        request(holder, Plan.newBuilder().setCommand(fitScaler()).build()),
        response -> {},
        Cancellation.NEVER);
    assertThat(org.apache.spark.sql.connect.ml.MLHandler$.MODULE$.currentSessionHolder().get())
        .as("the session in Spark's ML thread-local of the thread that ran the fit")
        .isNull();

    Path artifacts = holder.artifactManager().artifactPath();
    Path models = SessionRelease.modelDirectory(holder.sessionId());
    assertThat(holder.session().streams().active()).hasSize(1);
    assertThat(StreamingRelease.streamsIfCreated(holder.session())).isPresent();
    assertThat(streamingBuses()).isEqualTo(busesBefore + 1);
    assertThat(spark.sharedState().cacheManager().isEmpty()).as("cache empty").isFalse();
    assertThat(holder.mlCache().getInfo()).hasSize(1);
    assertThat(spark.sparkContext().getPersistentRDDs().size()).as("persistent RDDs").isPositive();
    assertThat(models).isDirectory();
    assertThat(artifacts).isDirectory();
    String artifactState = holder.artifactManager().state().uuid();
    Path executorCopies = Path.of(SparkFiles.getRootDirectory(), artifactState);
    assertThat(LocalExecutorSessions.holds(artifactState)).as("executor state").isTrue();
    assertThat(executorCopies.resolve("hello.txt")).exists();
    // The query runs in a clone of the session, whose tasks get copies of their own.
    List<String> cloneStates = StreamingRelease.cloneArtifactStates(holder);
    assertThat(cloneStates).hasSize(1);
    Path cloneCopies = LocalExecutorSessions.sessionFiles(cloneStates.get(0));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(cloneCopies.resolve("hello.txt")) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(cloneCopies.resolve("hello.txt")).as("copies of the query's clone").exists();

    session.close();

    assertThat(holder.session().streams().active()).isEmpty();
    assertThat(streamingBuses())
        .as("streaming listener buses on the SparkContext's bus")
        .isEqualTo(busesBefore);
    StreamingRelease.forgetQueries(holder); // nothing left to forget: idempotent
    assertThat(spark.sharedState().cacheManager().isEmpty()).as("cache empty").isTrue();
    assertThat(spark.sparkContext().getPersistentRDDs().size()).as("persistent RDDs").isZero();
    assertThat(persisted.size()).isZero();
    assertThat(holder.mlCache().getInfo()).isEmpty();
    assertThat(models).doesNotExist();
    assertThat(artifacts).doesNotExist();
    assertThat(LocalExecutorSessions.holds(artifactState)).as("executor state").isFalse();
    assertThat(executorCopies).doesNotExist();
    assertThat(LocalExecutorSessions.holds(cloneStates.get(0))).as("clone's state").isFalse();
    assertThat(cloneCopies).doesNotExist();
  }

  @Test
  void closeOfASessionThatUsedNothingCreatesNothing() {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    long busesBefore = streamingBuses();

    session.close();

    assertThat(StreamingRelease.streamsIfCreated(holder.session())).isEmpty();
    assertThat(streamingBuses()).isEqualTo(busesBefore);
    assertThat(SessionRelease.modelDirectory(holder.sessionId())).doesNotExist();
  }

  @Test
  void anAddACloneOrAnExecutionAfterTheCloseIsRefusedAndLeavesNothingBehind() throws Exception {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    session.close();

    Path late = Files.writeString(staging.resolve("late.txt"), "late");
    assertThatThrownBy(() -> session.addArtifact("files/late.txt", late))
        .hasMessageContaining("INVALID_HANDLE.SESSION_CLOSED");
    assertThatThrownBy(() -> session.cloneAs(UUID.randomUUID().toString()))
        .hasMessageContaining("INVALID_HANDLE.SESSION_CLOSED");
    Plan one = Plan.newBuilder().setRoot(sql("select 1")).build();
    assertThatThrownBy(
            () -> session.execute(request(holder, one), response -> {}, Cancellation.NEVER))
        .hasMessageContaining("INVALID_HANDLE.SESSION_CLOSED");
    assertThatThrownBy(() -> session.analyze(schemaOf(holder, one)))
        .hasMessageContaining("INVALID_HANDLE.SESSION_CLOSED");
    // Spark's own add would have made the directory again, and registered the file, after the
    // release had deleted and forgotten them: nobody would free them again.
    assertThat(holder.artifactManager().artifactPath()).doesNotExist();
    assertThat(spark.sparkContext().addedFiles().contains(holder.artifactManager().state().uuid()))
        .as("files registered for the session")
        .isFalse();
  }

  @Test
  void aCloseWaitsForAnAddInProgressAndThenDeletesWhatItAdded() throws Exception {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    // Large, so that the add is still in Spark's fetch of it (from the driver's file server, out of
    // the session's artifact directory) when the close comes.
    Path big = staging.resolve("big.bin");
    try (OutputStream out = Files.newOutputStream(big)) {
      byte[] mebibyte = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        out.write(mebibyte);
      }
    }
    Path target = holder.artifactManager().artifactPath().resolve("files/big.bin");
    CompletableFuture<Void> add =
        CompletableFuture.runAsync(() -> session.addArtifact("files/big.bin", big));
    while (!Files.exists(target) && !add.isDone()) {
      Thread.onSpinWait();
    }
    assertThat(add).as("the add, moved into the session but not yet done").isNotDone();

    session.close();

    assertThat(add).as("the add, when the close returned").isDone();
    add.get(); // and it succeeded
    assertThat(holder.artifactManager().artifactPath()).doesNotExist();
  }

  @Test
  void aCloseLetsTheSessionsTasksEndBeforeItDeletesItsArtifacts() throws Exception {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    // So that its tasks run with its own artifacts (and fetch them).
    session.addArtifact("files/used.txt", Files.writeString(staging.resolve("used.txt"), "used"));
    Set<String> state = Set.of(holder.artifactManager().state().uuid());
    Plan sleeps =
        Plan.newBuilder()
            .setRoot(sql("select reflect('java.lang.Thread', 'sleep', cast(2000 as bigint))"))
            .build();
    CompletableFuture<Void> query = runningATask(session, holder, sleeps);

    session.close();

    assertThat(LocalExecutorSessions.runsTaskOf(state))
        .as("a task of the session, when its close returned")
        .isFalse();
    assertThat(holder.artifactManager().artifactPath()).doesNotExist();
    assertThat(query).succeedsWithin(Duration.ofSeconds(60));
  }

  @Test
  void aCloseWaitsForAnExecutionBetweenItsJobsBeforeItDeletesItsArtifacts() throws Exception {
    SessionHolder holder = newHolder();
    SparkSessionContext session = open(holder);
    session.addArtifact("files/used.txt", Files.writeString(staging.resolve("used.txt"), "used"));
    // Two stages, a task of 1.5 s in each: between them, no task of the session runs, and the
    // second stage's task fetches the session's file again.
    String sleep = "reflect('java.lang.Thread', 'sleep', cast(1500 as bigint))";
    Plan twoStages =
        Plan.newBuilder()
            .setRoot(
                sql(
                    "select "
                        + sleep
                        + " from (select id from range(1) where "
                        + sleep
                        + " is null distribute by id)"))
            .build();
    CompletableFuture<Void> query = runningATask(session, holder, twoStages);

    session.close();

    assertThat(query).as("the execution, when the close returned").isDone();
    // Its second stage ran with the session's files there: it succeeded.
    assertThat(query).succeedsWithin(Duration.ZERO);
    assertThat(holder.artifactManager().artifactPath()).doesNotExist();
  }
}
