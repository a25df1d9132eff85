package dev.vxconnect.e2e.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.JvmHeap;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.e2e.support.Sessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 200 sessions of the official client, all at once, each running 20 queries. Every query must
 * succeed (the client may be asked to back off and retry; it must recover) with the result a
 * single session gets for it, and once the sessions are closed the server's live heap must be back
 * near where it started.
 */
@Tag("timing")
class ManySessionsE2ETest extends ServerTestBase {

  private static final int SESSIONS = 200;
  private static final int QUERIES = 20;
  private static final long HEAP_ALLOWANCE = 256L << 20;

  /**
   * Mostly small queries answered on the driver (an inline table is a local relation: no Spark
   * job); every tenth one runs a Spark job with a shuffle.
   */
  private static String query(int k) {
    return k % 10 == 9
        ? "select " + k + " as q, sum(id) as s, count(*) as n from range(" + (1000 + k) + ")"
        : "select * from values ("
            + k
            + ", "
            + k
            + " * 3, concat('row ', "
            + k
            + ")) as t(q, t, label)";
  }

  @Test
  void twoHundredSessionsAtOnce() throws Exception {
    List<Row[]> expected = new ArrayList<>();
    for (int k = 0; k < QUERIES; k++) {
      expected.add((Row[]) spark.sql(query(k)).collect());
    }
    long idle = JvmHeap.liveBytes(server().pid());

    ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < SESSIONS; c++) {
        int client = c;
        done.add(
            clients.submit(
                () -> {
                  go.await();
                  int ok = 0;
                  try (SparkSession session = Sessions.connect(server().url())) {
                    for (int k = 0; k < QUERIES; k++) {
                      int q = (k + client) % QUERIES; // not all sessions on the same query at once
                      Row[] rows = (Row[]) session.sql(query(q)).collect();
                      if (Arrays.equals(rows, expected.get(q))) {
                        ok++;
                      } else {
                        failures.add(
                            "session " + client + ", query " + q + ": " + Arrays.toString(rows));
                      }
                    }
                  } catch (Exception e) {
                    failures.add("session " + client + ": " + e);
                  }
                  return ok;
                }));
      }
      go.countDown();
      int succeeded = 0;
      for (Future<Integer> f : done) {
        succeeded += f.get(10, TimeUnit.MINUTES);
      }
      long after = JvmHeap.liveBytes(server().pid());
      System.out.printf(
          "ManySessionsE2ETest: %d of %d queries succeeded; live heap %d MiB before, %d MiB after%n",
          succeeded, SESSIONS * QUERIES, idle >> 20, after >> 20);
      assertThat(failures).as("failed sessions or queries").isEmpty();
      assertThat(succeeded).isEqualTo(SESSIONS * QUERIES);
      assertThat(after - idle)
          .as("live heap left after 200 sessions closed")
          .isLessThan(HEAP_ALLOWANCE);
    } finally {
      clients.shutdownNow();
    }
  }
}
