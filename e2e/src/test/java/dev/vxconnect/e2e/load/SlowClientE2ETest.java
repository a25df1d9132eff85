package dev.vxconnect.e2e.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.JvmHeap;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.RowCountingClient;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PrometheusText;
import dev.vxconnect.testkit.RowCounter;
import dev.vxconnect.testkit.ServerProcess;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ResultChunkingOptions;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Results larger than the server's memory (issue 21, item 3): 2 GiB in 2 partitions of 1 GiB, from
 * one server with a 1 GiB heap. A partition's Arrow output beyond its share of the result window
 * waits in blocks on the executor's disk and is fetched a block at a time as the client reads.
 *
 * <p>A fast client (the official one, toLocalIterator) reads it all; what it received is checked
 * against a checksum the server computes with a query over the same rows (count, sum of ids, sum of
 * the CRC-32 of each payload).
 *
 * <p>A client that takes one message every 5 ms reads it too. The server must produce it at the
 * client's pace, not ahead of it: its live heap (measured from outside with jcmd) stays within 512
 * MiB of its idle level, while another client's Config calls keep being answered. What it holds of
 * the result on the driver (buffer, partitions' inline shares and the block being sent) is counted
 * in its buffered bytes gauge, the figure vxconnect.execution.maxBufferedBytes limits, which is back
 * to zero after.
 *
 * <p>Config latency is measured twice: as another client sees it ({@link ConfigCaller}, in a JVM of
 * its own, warmed up, as another user's program would be: this JVM reads the 2 GiB, and its own
 * pauses would land in the timings; printed, and reported in docs/benchmarks.md) and as the server
 * served it, from its latency histogram on /metrics (from the call's arrival to its answer). Issue 20
 * asks for under 50 ms as the other client sees it: on a quiet machine the maximum stays under it
 * since the launcher keeps the heap once grown (before, young collections in a heap just shrunk by
 * a full collection paused the server 60-115 ms; docs/benchmarks.md). Timings are not asserted
 * here: the test asserts at most 1% of calls over 50 ms as the server served them, and prints the
 * client-side maximum and when each call over 50 ms started, to find it in the server's logs.
 *
 * <p>Not a recorded scenario for docs/protocol-coverage.md: a raw client, not the official one.
 */
@Tag("timing")
@Timeout(900)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// The fast read first: the slow one, whose neighbour's latency is measured, then meets a server
// that has served a large result before, as a running server has, not one compiling its first.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlowClientE2ETest {

  private static final long ROWS = 2L * 1024 * 1024;
  private static final int ROW_PAYLOAD = 1024;

  /**
   * 1 GiB per partition: each far larger than the window (vxconnect.results.windowBytes, 64 MiB)
   * and than the heap's free part. (Before issue 21 a partition's Arrow batches were one Spark task
   * result, held whole by the driver, as in Spark's own server: OutOfMemoryError at -Xmx2g.)
   */
  private static final int PARTITIONS = 2;

  /** Smaller than the result: what must stream, not fail. */
  private static final String SERVER_HEAP = "-Xmx1g";

  /**
   * Rows of {@link #ROW_PAYLOAD} bytes that differ from row to row (a hash of the id, in hex, 64
   * times), so that a batch out of order or repeated changes the checksum.
   */
  private static final String VARIED_ROWS =
      "select id, cast(repeat(lpad(hex(id * 2654435761), 16, '0'), "
          + ROW_PAYLOAD / 16
          + ") as binary) as payload from range(0, "
          + ROWS
          + ", 1, "
          + PARTITIONS
          + ")";

  private static final long RESULT_BYTES = 2L << 30;

  /**
   * The chunk size the client asks for (result chunking, protocol 4.1). Spark cuts batches at
   * 10,000 rows, here 10 MiB: at one message per 5 ms, whole batches would be read faster than
   * two cores can produce them, and the client would not be slow at all. In 256 KiB chunks it
   * reads at most 50 MiB/s (a third of what the fast client reads on a quiet machine), slower than the server produces, so the server must wait for it.
   */
  private static final long CHUNK_BYTES = 256 * 1024;

  private static final long HEAP_ALLOWANCE = 512L << 20;
  private static final String CONFIG_CALLS =
      "vxconnect_rpc_seconds_count{method=\"Config\",status=\"OK\"}";
  private static final String CONFIG_UNDER_50_MS =
      "vxconnect_rpc_seconds_bucket{method=\"Config\",status=\"OK\",le=\"0.05\"}";
  private static final String BUFFERED_BYTES = "vxconnect_results_buffered_bytes";

  /**
   * What the operation's response buffer alone may hold with the server's defaults
   * (vxconnect.execution.bufferAheadBytes 8m ahead of the client, plus 10m kept for a reattach).
   * What the driver holds of the result and has not sent yet is counted too (the second
   * partition's inline share, 32 MiB, waits while the first partition's blocks are sent), so the
   * gauge must go above it while the client lags.
   */
  private static final long BUFFER_ALONE = (8L + 10L) << 20;

  /** Issue 5's target for Config latency meanwhile: calls over it are printed. */
  private static final long CONFIG_TARGET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private ServerProcess server;
  private int adminPort;

  @BeforeAll
  void startServer() throws Exception {
    adminPort = FreePort.find();
    // The launcher's JIT and collector (its pauses are measured here), with a heap smaller than the
    // result.
    server =
        ServerProcess.start(
            "big-results",
            List.of("vxconnect.admin.port=" + adminPort),
            Map.of("VXCONNECT_JAVA_OPTS", SERVER_HEAP));
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void twoGibibytesInTwoPartitionsToAFastClient() throws Exception {
    RowCounter wire = new RowCounter();
    SparkSession spark = RowCountingClient.connect(server.url(), wire);
    try {
      long started = System.nanoTime();
      long rows = 0;
      long ids = 0;
      long crcs = 0;
      long payloadBytes = 0;
      CRC32 crc = new CRC32();
      Iterator<Row> result = spark.sql(VARIED_ROWS).toLocalIterator();
      try {
        while (result.hasNext()) {
          Row row = result.next();
          byte[] payload = (byte[]) row.get(1);
          rows++;
          ids += row.getLong(0);
          payloadBytes += payload.length;
          crc.reset();
          crc.update(payload);
          crcs += crc.getValue();
        }
      } finally {
        // The client's iterator holds Arrow memory until closed, even once read to its end.
        ((AutoCloseable) result).close();
      }
      long readNanos = System.nanoTime() - started;
      long wireRows = wire.rows(); // before the checksum query, whose row comes over the wire too
      Row expected =
          spark
              .sql(
                  "select count(1), sum(id), sum(crc32(payload)), sum(length(payload)) from ("
                      + VARIED_ROWS
                      + ")")
              .collectAsList()
              .get(0);
      System.out.printf(
          "SlowClientE2ETest: fast client read %d rows, %d payload bytes in %.1f s (%.0f MiB/s)%n",
          rows, payloadBytes, readNanos / 1e9, payloadBytes / (readNanos / 1e9) / (1 << 20));

      assertThat(rows).as("rows read").isEqualTo(expected.getLong(0)).isEqualTo(ROWS);
      assertThat(wireRows).as("rows that came over the wire").isEqualTo(ROWS);
      assertThat(ids).as("sum of the ids read").isEqualTo(expected.getLong(1));
      assertThat(crcs).as("sum of the payloads' CRC-32 read").isEqualTo(expected.getLong(2));
      assertThat(payloadBytes)
          .as("payload bytes read")
          .isEqualTo(expected.getLong(3))
          .isEqualTo(ROWS * ROW_PAYLOAD);
      assertThat(server.isAlive()).isTrue();
    } finally {
      spark.close();
    }
  }

  @Test
  @Order(2)
  void twoGibibytesToASlowReader() throws Exception {
    ExecutorService watcher = Executors.newSingleThreadExecutor();
    AtomicBoolean reading = new AtomicBoolean(true);
    UserContext user = RawGrpc.user("slow");
    try (RawGrpc grpc = new RawGrpc(server.port());
        // Another client, in its own JVM, as the other users of the server would be; its session
        // exists before the baseline.
        ConfigCaller other =
            ConfigCaller.start(server.port(), user.getUserId(), RawGrpc.newSessionId())) {
      long idle = JvmHeap.liveBytes(server.pid());

      AdminHttp admin = new AdminHttp(adminPort);
      Future<Watch> watched = watcher.submit(() -> watch(other, server.pid(), admin, reading));
      long rows = 0;
      long arrowBytes = 0;
      long messages = 0;
      long largestMessage = 0;
      try {
        System.out.printf("SlowClientE2ETest: slow read started at %s%n", Instant.now());
        Iterator<ExecutePlanResponse> stream =
            grpc.channelStub(TimeUnit.MINUTES.toMillis(12))
                .executePlan(
                    ExecutePlanRequest.newBuilder()
                        .setSessionId(RawGrpc.newSessionId())
                        .setUserContext(user)
                        .setOperationId(UUID.randomUUID().toString())
                        .addRequestOptions(
                            ExecutePlanRequest.RequestOption.newBuilder()
                                .setResultChunkingOptions(
                                    ResultChunkingOptions.newBuilder()
                                        .setAllowArrowBatchChunking(true)
                                        .setPreferredArrowChunkSize(CHUNK_BYTES)))
                        .setPlan(
                            Plan.newBuilder()
                                .setRoot(
                                    Relation.newBuilder()
                                        .setSql(
                                            SQL.newBuilder()
                                                .setQuery(
                                                    "select id, repeat('x', "
                                                        + ROW_PAYLOAD
                                                        + ") as payload from range(0, "
                                                        + ROWS
                                                        + ", 1, "
                                                        + PARTITIONS
                                                        + ")"))))
                        .build());
        while (stream.hasNext()) {
          ExecutePlanResponse response = stream.next();
          messages++;
          if (response.hasArrowBatch()) {
            if (response.getArrowBatch().getChunkIndex() == 0) {
              rows += response.getArrowBatch().getRowCount();
            }
            arrowBytes += response.getArrowBatch().getData().size();
            largestMessage = Math.max(largestMessage, response.getSerializedSize());
          }
          Thread.sleep(5);
        }
      } finally {
        reading.set(false);
      }
      Watch watch = watched.get(60, TimeUnit.SECONDS);
      System.out.printf(
          "SlowClientE2ETest: %d rows, %d Arrow bytes in %d messages (largest %d bytes); live heap idle %d MiB,"
              + " peak %d MiB over %d samples; result bytes counted as buffered, peak %d MiB; Config max %.1f ms over %d calls as another client's JVM saw them;"
              + " as the server served them, %d of %d over 50 ms%n",
          rows,
          arrowBytes,
          messages,
          largestMessage,
          idle >> 20,
          watch.peakLiveHeap >> 20,
          watch.heapSamples,
          watch.peakBufferedBytes >> 20,
          watch.slowestConfigNanos / 1e6,
          watch.configCalls,
          watch.servedOver50Ms,
          watch.servedCalls);

      assertThat(rows).isEqualTo(ROWS);
      assertThat(arrowBytes).isGreaterThanOrEqualTo(RESULT_BYTES);
      assertThat(watch.heapSamples)
          .as("heap samples while the result streamed")
          .isGreaterThanOrEqualTo(3);
      assertThat(watch.peakLiveHeap - idle)
          .as("live heap above idle while a slow client reads 2 GiB")
          .isLessThan(HEAP_ALLOWANCE);
      assertThat(watch.peakBufferedBytes)
          .as(
              "result bytes the server counts against vxconnect.execution.maxBufferedBytes, partition windows"
                  + " on the driver included")
          .isGreaterThan(BUFFER_ALONE);
      assertThat(bufferedBytesOnceSettled(admin))
          .as("result bytes counted once the operation is over")
          .isZero();
      assertThat(watch.configCalls)
          .as("Config calls answered meanwhile")
          .isGreaterThanOrEqualTo(20);
      assertThat(watch.servedCalls)
          .as("Config calls the server counted meanwhile")
          .isEqualTo(watch.configCalls);
      assertThat(watch.servedOver50Ms)
          .as("Config calls the server took over 50 ms to serve (at most 1%%)")
          .isLessThanOrEqualTo(watch.servedCalls / 100);
    } finally {
      reading.set(false);
      watcher.shutdownNow();
    }
  }

  private record Watch(
      long peakLiveHeap,
      int heapSamples,
      long peakBufferedBytes,
      long slowestConfigNanos,
      int configCalls,
      long servedCalls,
      long servedOver50Ms) {}

  /**
   * Alternates ten Config calls (100 ms apart) with one heap measurement, so that the full
   * collection jcmd forces never falls inside a timed Config call.
   */
  private static Watch watch(ConfigCaller caller, long pid, AdminHttp admin, AtomicBoolean reading)
      throws Exception {
    String before = admin.get("/metrics");
    long peak = 0;
    int samples = 0;
    long peakBuffered = 0;
    long slowest = 0;
    int calls = 0;
    while (reading.get()) {
      for (ConfigCaller.Call call : caller.calls(10)) {
        slowest = Math.max(slowest, call.nanos());
        if (call.nanos() > CONFIG_TARGET_NANOS) {
          System.out.printf(
              "SlowClientE2ETest: Config call %d, started at %s, took %.1f ms%n",
              calls, call.started(), call.nanos() / 1e6);
        }
        calls++;
      }
      if (reading.get()) {
        peak = Math.max(peak, JvmHeap.liveBytes(pid));
        samples++;
        peakBuffered =
            Math.max(
                peakBuffered,
                (long) PrometheusText.sample(admin.get("/metrics"), BUFFERED_BYTES).orElse(0));
      }
    }
    // The server's own measure (from a call's arrival to its answer), from its latency histogram.
    String after = admin.get("/metrics");
    long served = delta(before, after, CONFIG_CALLS);
    return new Watch(
        peak,
        samples,
        peakBuffered,
        slowest,
        calls,
        served,
        served - delta(before, after, CONFIG_UNDER_50_MS));
  }

  /** The buffered-bytes gauge once it stops falling (an operation's buffer is freed after its end), at most 30 s. */
  private static long bufferedBytesOnceSettled(AdminHttp admin) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long bytes = (long) PrometheusText.sample(admin.get("/metrics"), BUFFERED_BYTES).orElse(-1);
    while (bytes != 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      bytes = (long) PrometheusText.sample(admin.get("/metrics"), BUFFERED_BYTES).orElse(-1);
    }
    return bytes;
  }

  private static long delta(String before, String after, String sample) {
    return (long)
        (PrometheusText.sample(after, sample).orElse(0)
            - PrometheusText.sample(before, sample).orElse(0));
  }
}
