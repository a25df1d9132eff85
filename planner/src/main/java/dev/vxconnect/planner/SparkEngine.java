package dev.vxconnect.planner;

import dev.vxconnect.planner.spark.ClassPathMisses;
import dev.vxconnect.planner.spark.SparkEngineImpl;

/**
 * The Spark driver shared by every session of this instance: one SparkContext, one base
 * SparkSession, and a factory of isolated per-session contexts.
 */
public interface SparkEngine extends AutoCloseable {

  /**
   * Call first in a server's main thread, before any other thread is made: the context class
   * loader then remembers the class path's misses, for every thread and every class loader of
   * Spark's made after (see {@link ClassPathMisses}).
   */
  static void prepareClassLoading() {
    ClassPathMisses.install();
  }

  /** Starts the driver. Blocks for seconds: call it before serving. */
  static SparkEngine start(EngineOptions options) {
    return SparkEngineImpl.start(options);
  }

  /** Opens the Spark side of a new session. The ids are not checked here. */
  SessionContext openSession(String userId, String sessionId);

  /** Where managed tables live, qualified ("file:/...", "hdfs://..."): every instance of a cluster must agree. */
  String warehouse();

  /** The version of the embedded Spark, e.g. "4.1.2". */
  String sparkVersion();

  /** Maps a failure that belongs to no session (e.g. a request for an unknown session). */
  ErrorStatus toErrorStatus(Throwable failure);

  /**
   * Runs {@code stopServing} when the JVM shuts down (SIGTERM), before Spark stops its context,
   * so that running operations can still finish with a live driver.
   */
  void onShutdown(Runnable stopServing);

  /** Stops the driver. */
  @Override
  void close();
}
