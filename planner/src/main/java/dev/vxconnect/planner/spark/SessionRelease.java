package dev.vxconnect.planner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.JobArtifactState;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.util.SparkFileUtils$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees everything a closed session holds, as Spark's {@code SessionHolder.close} does (which we
 * cannot call: it reaches into the singletons of Spark's own Connect service, which we never
 * start), and what Spark's close leaves behind (see {@link StreamingRelease}, {@link
 * PersistedPlans}, {@link #mlCache}). Each step runs even if an earlier one failed: a session that
 * could not stop one thing must still give back the rest.
 */
final class SessionRelease {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRelease.class);

  /**
   * How long a close waits, in all, for its session's interrupted executions and their tasks to
   * end before it frees what they use.
   */
  static final Duration GRACE = Duration.ofSeconds(10);

  private SessionRelease() {}

  /**
   * Frees the session's Spark side; called once, on a worker thread, when the session closes,
   * after its operations were interrupted.
   */
  static void release(SessionHolder holder, PersistedPlans persisted, WorkInProgress work) {
    long deadline = System.nanoTime() + GRACE.toNanos();
    // Before anything goes: an execution still running would see its session half freed.
    step(holder, "executions in progress", () -> awaitWork(holder, work, deadline));
    // Read before the queries are forgotten below.
    List<String> streamStates = new ArrayList<>();
    step(
        holder,
        "streaming queries' executor state",
        () -> streamStates.addAll(StreamingRelease.cloneArtifactStates(holder)));
    step(holder, "streaming queries and listeners", () -> StreamingRelease.release(holder));
    step(holder, "pipelines", () -> pipelines(holder));
    step(holder, "ML cache", () -> mlCache(holder));
    step(holder, "persisted DataFrames", () -> uncache(holder, persisted));
    step(holder, "cached DataFrames", () -> holder.dataFrameCache().clear());
    step(holder, "running tasks", () -> awaitTasks(holder, streamStates, deadline));
    // Its jars, classes, files and archives, its directory, its class loader and its cached
    // local relations' blocks.
    step(holder, "artifacts", () -> holder.artifactManager().close());
    // The local executor's class loaders and copies of the session's artifacts: the session's
    // own, and those of the clones its streaming queries ran in.
    step(
        holder,
        "executor state",
        () -> {
          LocalExecutorSessions.evict(holder.artifactManager().state().uuid());
          streamStates.forEach(LocalExecutorSessions::evict);
        });
    step(holder, "Python worker logs", () -> holder.session().cleanupPythonWorkerLogs());
  }

  /**
   * Lets the session's executions and analyses, interrupted with its operations, end (see {@link
   * WorkInProgress}); new ones are refused from now on. They end within moments; one that ignores
   * its interruption holds the close up to {@link #GRACE}, no longer.
   */
  private static void awaitWork(SessionHolder holder, WorkInProgress work, long deadline)
      throws InterruptedException {
    if (!work.closeAndAwait(left(deadline))) {
      warnStillRunning(holder, "executions");
    }
  }

  /**
   * Lets the session's tasks, cancelled with its operations, end before its artifacts are deleted
   * (see {@link LocalExecutorSessions#awaitNoTasksOf}), within what is left of {@link #GRACE}.
   */
  private static void awaitTasks(SessionHolder holder, List<String> streamStates, long deadline)
      throws InterruptedException {
    JobArtifactState state = holder.artifactManager().state();
    if (state == null) {
      return; // no artifact isolation: its tasks fetch nothing of its own
    }
    Set<String> states = new HashSet<>(streamStates);
    states.add(state.uuid());
    if (!LocalExecutorSessions.awaitNoTasksOf(states, left(deadline))) {
      warnStillRunning(holder, "tasks");
    }
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static void warnStillRunning(SessionHolder holder, String what) {
    LOG.atWarn()
        .addKeyValue("user", holder.userId())
        .addKeyValue("session", holder.sessionId())
        .log(
            "Session {}: {} of it still run {} after its close; what they use is freed anyway",
            holder.sessionId(),
            what,
            GRACE);
  }

  private static void pipelines(SessionHolder holder) {
    holder.removeAllPipelineExecutions();
    holder.dataflowGraphRegistry().dropAllDataflowGraphs();
  }

  /**
   * Clears the session's ML models and deletes its model directory. Spark creates the cache and
   * that directory ({@code java.io.tmpdir/spark_connect_model_cache/<session id>}) on the session's
   * first ML command, and its clear() empties the directory only when memory control is on and
   * never removes it: one directory per session that used ML would stay.
   */
  private static void mlCache(SessionHolder holder) throws IOException {
    Path dir = modelDirectory(holder.sessionId());
    if (!Files.exists(dir)) {
      return; // no ML command ran: asking for the cache would create it and its directory
    }
    holder.mlCache().clear();
    SparkFileUtils$.MODULE$.deleteRecursively(dir.toFile());
  }

  /** Where Spark's MLCache keeps a session's offloaded models (MLCache.offloadedModelsDir). */
  static Path modelDirectory(String sessionId) {
    return Paths.get(System.getProperty("java.io.tmpdir"), "spark_connect_model_cache", sessionId);
  }

  private static void uncache(SessionHolder holder, PersistedPlans persisted) {
    // Blocking: the blocks are gone when the close is answered.
    persisted.releasedBy(holder.session().sessionUUID()).forEach(df -> df.unpersist(true));
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void step(SessionHolder holder, String what, Step step) {
    try {
      step.run();
    } catch (Exception | LinkageError e) {
      LOG.atWarn()
          .addKeyValue("user", holder.userId())
          .addKeyValue("session", holder.sessionId())
          .setCause(e)
          .log("Session {}: could not free its {}: {}", holder.sessionId(), what, e.toString());
    }
  }
}
