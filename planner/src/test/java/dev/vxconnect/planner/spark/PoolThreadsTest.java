package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thread that Spark's SQL execution pools make while a session's query submits work keeps
 * nothing of that session: not as its active session, not as its context class loader. The same
 * check on a plain thread made by that query thread sees both, so it would see them on a pool
 * thread that inherited them.
 */
class PoolThreadsTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("pool-threads");
    PoolThreads.install();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** What a thread holds of the session that was running where it was made. */
  private record Held(boolean session, boolean loader) {}

  @Test
  void poolThreadsMadeForASessionsQueryKeepNothingOfIt() throws Exception {
    SparkSession session = spark.newSession();
    List<? extends ExecutorService> pools = PoolThreads.pools();
    try (URLClassLoader sessionLoader = new URLClassLoader(new URL[0])) {
      List<Held> onPools = new ArrayList<>();
      List<Held> onPlainThread = new ArrayList<>();
      // As a query's thread: its session active, the session's class loader the context one.
      Thread query =
          new Thread(
              () -> {
                SparkSession.setActiveSession(session);
                Thread.currentThread().setContextClassLoader(sessionLoader);
                try {
                  for (ExecutorService pool : pools) {
                    onPools.add(
                        pool.submit(() -> held(session, sessionLoader)).get(30, TimeUnit.SECONDS));
                  }
                  CompletableFuture<Held> plain = new CompletableFuture<>();
                  Thread thread = new Thread(() -> plain.complete(held(session, sessionLoader)));
                  thread.start();
                  onPlainThread.add(plain.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      query.start();
      query.join();

      assertThat(onPlainThread).containsExactly(new Held(true, true));
      assertThat(onPools).hasSize(pools.size()).containsOnly(new Held(false, false));
    }
  }

  private static Held held(SparkSession session, ClassLoader sessionLoader) {
    boolean active =
        SparkSession.getActiveSession().isDefined()
            && SparkSession.getActiveSession().get() == session;
    return new Held(active, Thread.currentThread().getContextClassLoader() == sessionLoader);
  }
}
