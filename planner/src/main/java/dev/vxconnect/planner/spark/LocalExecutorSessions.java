package dev.vxconnect.planner.spark;

import static dev.vxconnect.planner.spark.PrivateFields.field;
import static dev.vxconnect.planner.spark.PrivateFields.read;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.JobArtifactState;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.executor.Executor;
import org.apache.spark.rpc.netty.Dispatcher;
import org.apache.spark.rpc.netty.NettyRpcEnv;
import org.apache.spark.scheduler.local.LocalEndpoint;
import org.apache.spark.util.SparkFileUtils$;
import scala.Option;

/**
 * The executor of a local-mode driver ({@code spark.master=local[...]}, the executor in the
 * server's own JVM), to drop a closed session's state there.
 *
 * <p>Why: an executor keeps, per session whose tasks it ran with the session's own artifacts, a
 * class loader and copies of the session's jars and files under its {@code SparkFiles} root, in a
 * cache Spark empties only when it is full (100 sessions) or after 30 idle minutes. Spark tells no
 * executor that a session closed. In local mode that executor is ours: its entry is invalidated
 * at close, and the copies are deleted. Executors of a cluster keep Spark's behaviour.
 *
 * <p>Spark 4.1.2 gives no handle to the local executor: it is found among the RPC endpoints of the
 * driver's RPC environment ({@code NettyRpcEnv.dispatcher}, {@code Dispatcher.endpointRefs}, both
 * private); SessionReleaseTest pins them.
 */
final class LocalExecutorSessions {

  private static final Field DISPATCHER = field(NettyRpcEnv.class, "dispatcher");
  private static final Field ENDPOINTS = field(Dispatcher.class, "endpointRefs");

  private LocalExecutorSessions() {}

  /**
   * Drops the executor's state of the session whose artifact state is {@code sessionUuid}: its
   * class loader, and the copies of its jars and files. Spark 4.1.2's eviction closes the class
   * loader but leaves the copies in the session's directory under the {@code SparkFiles} root (one
   * directory per session that ran a task with an artifact, for the life of the process), so it is
   * deleted here; a task of the closed session still running could only fail, never another
   * session's.
   */
  static void evict(String sessionUuid) {
    executor()
        .ifPresent(
            executor -> {
              executor.isolatedSessionCache().invalidate(sessionUuid);
              // Most sessions never had copies; Spark's delete runs `rm -rf` in a new process
              // even for a path that does not exist, and at every close that bounded how fast
              // sessions could hibernate (about 30 a second).
              Path files = sessionFiles(sessionUuid);
              if (Files.exists(files)) {
                SparkFileUtils$.MODULE$.deleteRecursively(files.toFile());
              }
            });
  }

  /**
   * Waits, at most {@code timeout}, until the local executor runs no task of the sessions whose
   * artifact states are {@code sessionUuids}; whether it got there.
   *
   * <p>Why: a task fetches its session's jars and files from the driver's file server. A file
   * deleted while that server sends it makes it close the connection, and all of the process's
   * fetches share that one connection: other sessions' tasks and adds would fail with it. So a
   * closing session's artifacts are deleted only once its (cancelled) tasks have ended.
   */
  static boolean awaitNoTasksOf(Set<String> sessionUuids, Duration timeout)
      throws InterruptedException {
    Optional<Executor> executor = executor();
    if (executor.isEmpty()) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (runsTaskOf(executor.get(), sessionUuids)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Whether the local executor runs a task of one of these sessions (for tests). */
  static boolean runsTaskOf(Set<String> sessionUuids) {
    return executor().map(executor -> runsTaskOf(executor, sessionUuids)).orElse(false);
  }

  private static boolean runsTaskOf(Executor executor, Set<String> sessionUuids) {
    for (Executor.TaskRunner task : executor.runningTasks().values()) {
      Option<JobArtifactState> state = task.taskDescription().artifacts().state();
      if (state.isDefined() && sessionUuids.contains(state.get().uuid())) {
        return true;
      }
    }
    return false;
  }

  /** Where the local executor copies the session's jars and files. */
  static Path sessionFiles(String sessionUuid) {
    // A UUID of Spark's making (ArtifactManager's state), never a client's string.
    UUID.fromString(sessionUuid);
    return Path.of(SparkFiles.getRootDirectory(), sessionUuid);
  }

  /** Whether the local executor holds state of that session (for tests). */
  static boolean holds(String sessionUuid) {
    return executor()
        .map(executor -> executor.isolatedSessionCache().getIfPresent(sessionUuid) != null)
        .orElse(false);
  }

  /** The local executor, if this driver runs in local mode. */
  static Optional<Executor> executor() {
    SparkEnv env = SparkEnv.get();
    if (env == null || !(env.rpcEnv() instanceof NettyRpcEnv rpc)) {
      return Optional.empty();
    }
    Map<?, ?> endpoints = (Map<?, ?>) read(ENDPOINTS, read(DISPATCHER, rpc));
    for (Object endpoint : endpoints.keySet()) {
      if (endpoint instanceof LocalEndpoint local) {
        return Optional.of(local.org$apache$spark$scheduler$local$LocalEndpoint$$executor());
      }
    }
    return Optional.empty();
  }
}
