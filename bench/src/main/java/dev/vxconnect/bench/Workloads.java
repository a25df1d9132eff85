package dev.vxconnect.bench;

import dev.vxconnect.bench.floor.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.client.SparkResult;
import org.apache.spark.sql.util.CloseableIterator;

/** Workloads (a) to (d), each against one server through the official client. */
final class Workloads {

  /** The small aggregate of workload (c): a Spark job with a partial and a final aggregation. */
  static final String SMALL_AGGREGATE = "select sum(id) as s, count(*) as n from range(10000)";

  private Workloads() {}

  /** A new session of the official client on {@code url}. */
  static SparkSession connect(String url) {
    return org.apache.spark.sql.connect.SparkSession.builder().remote(url).create();
  }

  /** One {@code select 1} in a new session. */
  static void firstAnswer(String url) throws IOException {
    try (SparkSession spark = connect(url)) {
      spark.sql("select 1").collect();
    }
  }

  /** The same untimed start for every server: a cold JVM's first queries take seconds. */
  static void warmUp(String url) throws IOException {
    try (SparkSession spark = connect(url)) {
      for (int i = 0; i < 20; i++) {
        spark.sql("select 1").collect();
      }
      for (int i = 0; i < 5; i++) {
        spark.sql(SMALL_AGGREGATE).collect();
        spark.range(0, 100_000, 1, 2).selectExpr("id", "id * 2 as b").collect();
      }
    }
  }

  /** (a) Latency of {@code spark.sql("select 1").collect()}, in microseconds, sorted. */
  static long[] latency(String url, int warmup, int calls) throws IOException {
    try (SparkSession spark = connect(url)) {
      Programs.selectOne(spark, warmup);
      return timedOneRowQueries(spark, calls, i -> "select 1");
    }
  }

  /**
   * (a) Latency of queries that each have a shape of their own, in microseconds, sorted: a new
   * constant in each query's expressions, so that Spark generates and compiles new code for every
   * call (what {@code select 1} repeated never does), as a server serving many different queries
   * does.
   */
  static long[] newShapes(String url, int calls) throws IOException {
    try (SparkSession spark = connect(url)) {
      return timedOneRowQueries(
          spark,
          calls,
          i ->
              "select sum(id * "
                  + (i + 7)
                  + " + length(cast(id as string)) * "
                  + (i + 11)
                  + ") as s, max(id % "
                  + (i + 13)
                  + ") as m from range(1000)");
    }
  }

  /** Runs query {@code i} of {@code calls}, each one row, and returns their times in µs, sorted. */
  private static long[] timedOneRowQueries(SparkSession spark, int calls, IntFunction<String> sql) {
    long[] micros = new long[calls];
    for (int i = 0; i < calls; i++) {
      String query = sql.apply(i);
      long start = System.nanoTime();
      Row[] rows = (Row[]) spark.sql(query).collect();
      micros[i] = (System.nanoTime() - start) / 1000;
      if (rows.length != 1) {
        throw new IllegalStateException(query + " returned " + rows.length + " rows");
      }
    }
    Arrays.sort(micros);
    return micros;
  }

  static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** (b) Collects {@code rows} rows of three 8-byte columns; returns the best run's seconds. */
  static double collect(String url, long rows, int runs) throws Exception {
    double best = Double.MAX_VALUE;
    try (SparkSession spark = connect(url)) {
      for (int run = 0; run < runs; run++) {
        long start = System.nanoTime();
        Dataset<Row> data = (Dataset<Row>) Programs.range(spark, rows);
        long seen = 0;
        long sum = 0;
        // Row by row as the batches arrive (collect() would hold 10M rows in the client), through
        // the client's result iterator, closed so that its Arrow memory is given back.
        try (SparkResult<Row> result = data.collectResult();
            CloseableIterator<Row> it = result.destructiveIterator()) {
          while (it.hasNext()) {
            Row row = it.next();
            sum += row.getLong(0);
            seen++;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seen != rows || sum != rows * (rows - 1) / 2) {
          throw new IllegalStateException(
              "collected " + seen + " rows (sum " + sum + "), expected " + rows);
        }
        best = Math.min(best, seconds);
      }
    }
    return best;
  }

  /** What (c) measured. */
  record Throughput(long queries, double seconds, long[] sortedMicros, int failures) {
    double perSecond() {
      return queries / seconds;
    }
  }

  /**
   * (c) {@code sessions} sessions, one thread each, running {@link #SMALL_AGGREGATE} back to back
   * for {@code seconds} (after each ran it twice untimed).
   */
  static Throughput concurrent(String url, int sessions, int seconds) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(sessions);
    List<SparkSession> opened = new ArrayList<>();
    try {
      List<Future<SparkSession>> opening = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        opening.add(
            threads.submit(
                () -> {
                  SparkSession spark = connect(url);
                  spark.sql(SMALL_AGGREGATE).collect();
                  spark.sql(SMALL_AGGREGATE).collect();
                  return spark;
                }));
      }
      for (Future<SparkSession> f : opening) {
        opened.add(f.get(10, TimeUnit.MINUTES));
      }
      CountDownLatch go = new CountDownLatch(1);
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<long[]>> running = new ArrayList<>();
      int[] failures = new int[1];
      for (SparkSession spark : opened) {
        running.add(
            threads.submit(
                () -> {
                  go.await();
                  long[] micros = new long[1024];
                  int n = 0;
                  while (!stop.get()) {
                    long start = System.nanoTime();
                    try {
                      spark.sql(SMALL_AGGREGATE).collect();
                    } catch (RuntimeException e) {
                      synchronized (failures) {
                        failures[0]++;
                      }
                      continue;
                    }
                    if (n == micros.length) {
                      micros = Arrays.copyOf(micros, n * 2);
                    }
                    micros[n++] = (System.nanoTime() - start) / 1000;
                  }
                  return Arrays.copyOf(micros, n);
                }));
      }
      long start = System.nanoTime();
      go.countDown();
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      long[] all = new long[0];
      for (Future<long[]> f : running) {
        long[] some = f.get(5, TimeUnit.MINUTES);
        long[] merged = Arrays.copyOf(all, all.length + some.length);
        System.arraycopy(some, 0, merged, all.length, some.length);
        all = merged;
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      Arrays.sort(all);
      return new Throughput(all.length, elapsed, all, failures[0]);
    } finally {
      opened.forEach(Workloads::closeQuietly);
      threads.shutdownNow();
    }
  }

  /** What (d) measured: live heap bytes of the server before and after. */
  record IdleHeap(long before, long after, int sessions) {
    double bytesPerSession() {
      return (after - before) / (double) sessions;
    }
  }

  /**
   * How long (d) lets a server rest before its first measure: Spark's block manager thread pools
   * (up to 100 + 100 threads, each with its thread-local buffers) keep the threads that cleaned up
   * after the previous workloads' queries for 60 s. Measured right away, the baseline counts them,
   * and more of them for the server that ran more queries in (c).
   */
  static final long IDLE_SETTLE_SECONDS = 70;

  /**
   * (d) The server's live heap (after a full collection) before and after {@code count} sessions
   * were opened, each with one {@code select 1}, and left idle (still connected); the
   * histograms are kept in {@code histograms}-before.txt / -after.txt.
   */
  static IdleHeap idleSessions(String url, long pid, int count, Path histograms) throws Exception {
    Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_SETTLE_SECONDS));
    long before =
        liveHeapBytes(pid, histograms.resolveSibling(histograms.getFileName() + "-before.txt"));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<SparkSession> opened = new ArrayList<>();
    try {
      List<Future<SparkSession>> opening = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        opening.add(
            threads.submit(
                () -> {
                  SparkSession spark = connect(url);
                  spark.sql("select 1").collect();
                  return spark;
                }));
      }
      for (Future<SparkSession> f : opening) {
        opened.add(f.get(10, TimeUnit.MINUTES));
      }
      long after =
          liveHeapBytes(pid, histograms.resolveSibling(histograms.getFileName() + "-after.txt"));
      return new IdleHeap(before, after, count);
    } finally {
      List<Future<?>> closing = new ArrayList<>();
      for (SparkSession spark : opened) {
        closing.add(threads.submit(() -> closeQuietly(spark)));
      }
      for (Future<?> f : closing) {
        try {
          f.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
          // closing is best effort: the server is stopped after the workloads anyway
        }
      }
      threads.shutdownNow();
    }
  }

  /** Closes a client session (releasing it on the server); failures are ignored. */
  static void closeQuietly(SparkSession spark) {
    try {
      spark.close();
    } catch (Exception e) {
      // best effort: the server is stopped after the workloads anyway
    }
  }

  private static final Pattern HISTOGRAM_TOTAL =
      Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /**
   * Bytes of the objects reachable in process {@code pid}: the total of jcmd's class histogram,
   * which is taken right after a full collection in the same safepoint (garbage excluded). The
   * histogram itself is kept in {@code histogram}, to see what the bytes are.
   */
  static long liveHeapBytes(long pid, Path histogram) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("jcmd GC.class_histogram failed: " + out);
    }
    Files.writeString(histogram, out);
    Matcher m = HISTOGRAM_TOTAL.matcher(out);
    if (!m.find()) {
      throw new IOException(
          "no total in jcmd's class histogram: " + out.substring(Math.max(0, out.length() - 300)));
    }
    return Long.parseLong(m.group(1));
  }
}
