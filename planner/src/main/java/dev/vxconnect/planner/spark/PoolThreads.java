package dev.vxconnect.planner.spark;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.execution.SubqueryBroadcastExec$;
import org.apache.spark.sql.execution.SubqueryExec$;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec$;
import org.apache.spark.sql.execution.adaptive.ResultQueryStageExec$;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec$;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutorService;
import scala.concurrent.impl.ExecutionContextImpl;

/**
 * Threads for Spark's SQL execution pools (query stages, exchanges, subqueries) that inherit
 * nothing from the thread that makes them.
 *
 * <p>Those pools make a thread whenever work is submitted below their size, from the submitting
 * thread: a query's, whose active session is an inheritable thread-local and whose context class
 * loader may be its session's. A pool thread lives on while it is used and 60 s once idle, and
 * kept the session that made it reachable all that time: closed and hibernated sessions, with
 * their state and class loaders, stayed in the heap for a minute after a quiet period and for
 * good on a busy server. Nothing of that inheritance is needed: the threads serve every session,
 * so Spark sets the session, local properties and artifact state for each task it hands them
 * ({@code SQLExecution.withThreadLocalCaptured}).
 */
final class PoolThreads {

  private static final Logger LOG = LoggerFactory.getLogger(PoolThreads.class);

  private record Pool(String prefix, Supplier<ExecutionContextExecutorService> context) {}

  /** The pools and the thread name prefixes Spark gives them. */
  private static final List<Pool> POOLS =
      List.of(
          new Pool("QueryStageCreator", () -> AdaptiveSparkPlanExec$.MODULE$.executionContext()),
          new Pool(
              "ResultQueryStageExecution", () -> ResultQueryStageExec$.MODULE$.executionContext()),
          new Pool("shuffle-exchange", () -> ShuffleExchangeExec$.MODULE$.executionContext()),
          new Pool("broadcast-exchange", () -> BroadcastExchangeExec$.MODULE$.executionContext()),
          new Pool("subquery", () -> SubqueryExec$.MODULE$.executionContext()),
          new Pool("dynamicpruning", () -> SubqueryBroadcastExec$.MODULE$.executionContext()));

  private PoolThreads() {}

  /** Spark's pools whose threads {@link #install} makes. */
  static List<ExecutionContextExecutorService> pools() {
    return POOLS.stream().map(pool -> pool.context().get()).toList();
  }

  /**
   * Gives each pool a factory of threads that inherit nothing; once per JVM is enough, from the
   * thread that starts Spark, whose context class loader (no session's: the server's, see {@link
   * ClassPathMisses}) the threads get.
   */
  static void install() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (Pool pool : POOLS) {
      try {
        Executor executor = ((ExecutionContextImpl) pool.context().get()).executor();
        AtomicInteger made = new AtomicInteger();
        // Named as Spark names them.
        ((ThreadPoolExecutor) executor)
            .setThreadFactory(
                task ->
                    inheritingNothing(task, pool.prefix() + "-" + made.getAndIncrement(), loader));
      } catch (RuntimeException e) {
        // Only a cost: that pool's threads keep a session reachable while they live.
        LOG.warn("Spark's {} pool keeps its usual threads: {}", pool.prefix(), e.toString());
      }
    }
  }

  /**
   * A daemon thread that inherits no thread-local (so no active session) and has {@code loader} as
   * its context class loader, whatever the thread that makes it holds.
   */
  static Thread inheritingNothing(Runnable task, String name, ClassLoader loader) {
    Thread thread = new Thread(null, task, name, 0, false);
    thread.setDaemon(true);
    thread.setContextClassLoader(loader);
    return thread;
  }
}
