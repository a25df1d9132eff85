package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loops never run Spark work: while one session's query keeps Spark busy, another
 * session's Config RPCs answer at once, and Vert.x's blocked-thread checker, set to complain about
 * any event loop task longer than 100 ms, reports nothing.
 */
@Tag("timing")
@Timeout(300)
class EventLoopE2ETest {

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 8000L) as slept from range(2)";

  @Test
  void configAnswersWhileAQueryRuns() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (ServerProcess server =
            // G1, not the test servers' serial collector: a collection's pause inside an event-loop
            // task counts as the loop blocked (a 114 ms one failed the check with the serial one).
            ServerProcess.start(
                "event-loop",
                List.of("vxconnect.server.maxEventLoopExecuteTime=100ms"),
                Map.of(
                    "VXCONNECT_JAVA_OPTS", "-Xmx3g " + ServerProcess.C1_ONLY + " -XX:+UseG1GC"));
        SparkSession busy = Sessions.connect(server.url());
        SparkSession other = Sessions.connect(server.url())) {
      // Warm both sessions and every code path up first: class loading is blocking work too.
      for (int i = 0; i < 20; i++) {
        other.conf().get("spark.sql.shuffle.partitions");
        busy.range(10).count();
      }
      int logBefore = server.logText().length();

      Future<?> query = background.submit(() -> busy.sql(SLOW).collect());
      Thread.sleep(1000);
      List<Long> latenciesMs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        assertThat(other.conf().get("spark.sql.shuffle.partitions")).isEqualTo("200");
        latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        Thread.sleep(100);
      }
      assertThat(query.isDone())
          .as("the slow query was still running during the measurement")
          .isFalse();
      query.get(120, TimeUnit.SECONDS);

      assertThat(latenciesMs)
          .as("Config latencies (ms) while the query ran")
          .allMatch(ms -> ms < 100);
      String log = server.logText().substring(logBefore);
      assertThat(log).as("blocked-thread checker output").doesNotContain("has been blocked for");
    } finally {
      background.shutdownNow();
    }
  }
}
