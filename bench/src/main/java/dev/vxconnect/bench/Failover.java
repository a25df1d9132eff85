package dev.vxconnect.bench;

import dev.vxconnect.testkit.BreakingNetworkClient;
import dev.vxconnect.testkit.RowCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * (f), vxconnect only, on a two-instance cluster ({@link BenchCluster}):
 * <ul>
 *   <li>a client's session is used, its owner killed with kill -9, and the time from the kill to the
 *       client's next successful query is measured. The client is the official one with its default
 *       retry policies; when a query still fails the harness tries again after 50 ms and counts the
 *       failure, as an application would have to;
 *   <li>a result read with toLocalIterator, its instance killed once the client has 200,000 rows:
 *       the time from the kill to the next result row over the wire (the resumed result), and each
 *       row checked to come once;
 *   <li>what recording where clients stand in results costs: collect's rows/s on a cluster with
 *       result marks and on one started with {@code vxconnect.cluster.resumeResults=false}, both up
 *       at once and read in alternating rounds, so that what else runs on the machine weighs on
 *       both alike.
 * </ul>
 */
final class Failover {

  private static final String QUERY =
      "select k, count(*) as n, sum(v) as total from mine group by k order by k";
  private static final long GIVE_UP_MS = 120_000;
  private static final long KILL_AFTER_ROWS = 200_000;

  /** One kill: milliseconds to the next successful query, and how many attempts failed before. */
  record Kill(long millis, int failedAttempts, boolean sameResult) {}

  /** The rounds of collect's throughput measured on each cluster. */
  private static final int MARK_ROUNDS = 5;

  /**
   * A result read across a kill, and collect's throughput with and without result marks: the
   * medians of each, and the median of the rounds' ratios.
   */
  record Resume(
      long rows,
      long millisToNextRow,
      boolean everyRowOnce,
      double rowsPerSecond,
      double rowsPerSecondWithoutMarks,
      double medianRatio,
      int rounds) {}

  private final Settings settings;
  private final Path work;

  Failover(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  List<Kill> run(int kills) throws Exception {
    try (BenchCluster cluster = new BenchCluster(settings, work, "failover", List.of())) {
      Workloads.warmUp(cluster.url());
      List<Kill> result = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        result.add(killOnce(cluster, k + 1 < kills));
      }
      return result;
    }
  }

  private Kill killOnce(BenchCluster cluster, boolean restart) throws Exception {
    try (SparkSession client = Workloads.connect(cluster.url())) {
      client.sql("create temp view mine as select id % 5 as k, id as v from range(1000)");
      Row[] before = (Row[]) client.sql(QUERY).collect();
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
      int owner = cluster.ownerOf(sessionId);
      cluster.kill(owner);
      long killedAt = System.nanoTime();
      int failed = 0;
      Row[] after;
      while (true) {
        try {
          after = (Row[]) client.sql(QUERY).collect();
          break;
        } catch (RuntimeException e) {
          failed++;
          if ((System.nanoTime() - killedAt) / 1_000_000 > GIVE_UP_MS) {
            throw new IllegalStateException(
                "no successful query within " + GIVE_UP_MS + " ms of the kill", e);
          }
          Thread.sleep(50);
        }
      }
      long millis = (System.nanoTime() - killedAt) / 1_000_000;
      if (restart) {
        cluster.restart(owner);
      }
      return new Kill(millis, failed, Arrays.equals(before, after));
    }
  }

  /** The result read across a kill, then collect's throughput with marks and without. */
  Resume resume() throws Exception {
    long rows = settings.resumeRows();
    long millisToNextRow;
    boolean everyRowOnce;
    try (BenchCluster cluster = new BenchCluster(settings, work, "resume", List.of())) {
      Workloads.warmUp(cluster.url());
      String sessionId = UUID.randomUUID().toString();
      RowCounter counter = new RowCounter();
      try (SparkSession client =
          BreakingNetworkClient.connect(cluster.url() + "/;session_id=" + sessionId, counter)) {
        BitSet seen = new BitSet();
        long received = 0;
        long killedAt = 0;
        Iterator<Long> ids = client.range(0, rows, 1, partitions(rows)).toLocalIterator();
        try {
          while (ids.hasNext()) {
            long id = ids.next();
            everyRowOnceCheck(seen, id);
            received++;
            if (killedAt == 0 && counter.rows() >= KILL_AFTER_ROWS) {
              // The next row is the first of a call made after the kill: rows the dead instance
              // had sent may still be on their way.
              killedAt = System.nanoTime();
              counter.watchCallsFrom(killedAt);
              cluster.kill(cluster.ownerOf(sessionId));
            }
          }
        } finally {
          if (ids instanceof AutoCloseable closeable) {
            closeable.close();
          }
        }
        long nextRowAt = counter.firstRowOfWatchedCallsNanos();
        millisToNextRow = nextRowAt == 0 ? -1 : (nextRowAt - killedAt) / 1_000_000;
        everyRowOnce = received == rows && seen.cardinality() == rows;
      }
    }
    double[] with = new double[MARK_ROUNDS];
    double[] without = new double[MARK_ROUNDS];
    double[] ratios = new double[MARK_ROUNDS];
    try (BenchCluster marks = new BenchCluster(settings, work, "marks", List.of());
        BenchCluster noMarks =
            new BenchCluster(
                settings, work, "no-marks", List.of("vxconnect.cluster.resumeResults=false"));
        SparkSession withClient = Workloads.connect(marks.url());
        SparkSession withoutClient = Workloads.connect(noMarks.url())) {
      Workloads.warmUp(marks.url());
      Workloads.warmUp(noMarks.url());
      collectRowsPerSecond(withClient, rows);
      collectRowsPerSecond(withoutClient, rows);
      for (int round = 0; round < MARK_ROUNDS; round++) {
        // Which goes first alternates: neither always follows the other's garbage.
        if (round % 2 == 0) {
          with[round] = collectRowsPerSecond(withClient, rows);
          without[round] = collectRowsPerSecond(withoutClient, rows);
        } else {
          without[round] = collectRowsPerSecond(withoutClient, rows);
          with[round] = collectRowsPerSecond(withClient, rows);
        }
        ratios[round] = with[round] / without[round];
      }
    }
    return new Resume(
        rows,
        millisToNextRow,
        everyRowOnce,
        median(with),
        median(without),
        median(ratios),
        MARK_ROUNDS);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * A million rows a partition, as a scan of files would split them: a whole partition's Arrow
   * batches are one task result in the driver (with Spark's server too), and 20M-row partitions
   * (range's default on two cores) do not fit the members' 1500m heaps.
   */
  private static int partitions(long rows) {
    return (int) Math.max(2, rows / 1_000_000);
  }

  private static void everyRowOnceCheck(BitSet seen, long id) {
    if (seen.get((int) id)) {
      throw new IllegalStateException("row " + id + " came twice");
    }
    seen.set((int) id);
  }

  /** One collect of {@code rows} ids through the balancer, in rows/s. */
  private static double collectRowsPerSecond(SparkSession client, long rows) {
    long start = System.nanoTime();
    Object collected = client.range(0, rows, 1, partitions(rows)).collect();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (((Long[]) collected).length != rows) {
      throw new IllegalStateException("collect gave " + ((Long[]) collected).length + " rows");
    }
    return rows / seconds;
  }
}
