package dev.vxconnect.e2e.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.ManagedChannelBuilder;

/**
 * A thousand idle client connections and fifty clients that start a large result and read it one
 * small chunk a second: more slow readers than the server runs operations at once
 * ({@code vxconnect.execution.threads}, 16). A user of the official client must still get every
 * query answered meanwhile, and afterwards every idle connection must still be served.
 *
 * <p>Not a recorded scenario for docs/protocol-coverage.md: raw clients, not the official one.
 */
@Tag("timing")
@Timeout(600)
class IdleConnectionsAndSlowReadersE2ETest {

  private static final int IDLE_CONNECTIONS = 1_000;
  private static final int SLOW_READERS = 50;
  private static final long READ_PAUSE_MS = 1_000;

  /** About 6.6 MB a reader: far beyond what the server may produce ahead of its client (1 MiB here). */
  private static final String LARGE_RESULT =
      "select id, repeat('x', 100) as payload from range(0, 60000, 1, 4)";

  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int QUERIES = 20;

  private static String query(int k) {
    return k % 4 == 3
        ? "select " + k + " as q, sum(id) as s, count(*) as n from range(" + (1000 + k) + ")"
        : "select " + k + " as q, concat('row ', " + k + ") as label";
  }

  @Test
  void normalQueriesAreAnsweredBesideIdleConnectionsAndSlowReaders() throws Exception {
    List<ManagedChannel> idle = new ArrayList<>();
    List<RawGrpc> readerChannels = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(SLOW_READERS);
    ExecutorService user = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    try (ServerProcess server =
            ServerProcess.start(
                "slow-readers", List.of("vxconnect.execution.bufferAheadBytes=1m"));
        SparkSession spark = Sessions.connect(server.url())) {
      // What a session gets for each query on an otherwise idle server.
      List<Row[]> expected = new ArrayList<>();
      for (int k = 0; k < QUERIES; k++) {
        expected.add((Row[]) spark.sql(query(k)).collect());
      }

      UserContext idleUser = RawGrpc.user("idle");
      String idleSession = RawGrpc.newSessionId();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        ManagedChannel channel =
            ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        idle.add(channel);
        configGet(channel, idleUser, idleSession); // connects it; then it stays idle
      }

      CountDownLatch allReading = new CountDownLatch(SLOW_READERS);
      Queue<String> readerFailures = new ConcurrentLinkedQueue<>();
      AtomicInteger finishedEarly = new AtomicInteger();
      List<Future<Long>> reads = new ArrayList<>();
      for (int r = 0; r < SLOW_READERS; r++) {
        RawGrpc grpc = new RawGrpc(server.port());
        readerChannels.add(grpc);
        reads.add(
            readers.submit(
                () -> readSlowly(grpc, allReading, stop, readerFailures, finishedEarly)));
      }
      assertThat(allReading.await(120, TimeUnit.SECONDS))
          .as("all slow readers got their first response")
          .isTrue();

      // The user's queries, while the fifty readers hold their streams open.
      Future<List<String>> answered =
          user.submit(
              () -> {
                List<String> wrong = new ArrayList<>();
                for (int k = 0; k < QUERIES; k++) {
                  Row[] rows = (Row[]) spark.sql(query(k)).collect();
                  if (!Arrays.equals(rows, expected.get(k))) {
                    wrong.add("query " + k + ": " + Arrays.toString(rows));
                  }
                }
                return wrong;
              });
      // A hang guard, not a timing assertion: before producers gave their slot back while
      // waiting for a reader, these queries queued behind the readers for as long as they read.
      List<String> wrong = answered.get(180, TimeUnit.SECONDS);
      int stillReading = SLOW_READERS - finishedEarly.get();
      System.out.printf(
          "IdleConnectionsAndSlowReadersE2ETest: %d queries answered while %d of %d slow readers"
              + " were still reading, beside %d idle connections%n",
          QUERIES, stillReading, SLOW_READERS, IDLE_CONNECTIONS);
      assertThat(wrong).as("queries answered differently").isEmpty();
      // A reader takes over a minute to read its result: all fifty streams were open throughout.
      // (Before the fix, the readers beyond the sixteenth only got a thread once earlier ones had
      // read their whole result, and the user's queries came after them.)
      assertThat(stillReading)
          .as("slow readers still streaming when the last query was answered")
          .isEqualTo(SLOW_READERS);

      stop.set(true);
      for (Future<Long> read : reads) {
        read.get(60, TimeUnit.SECONDS);
      }
      assertThat(readerFailures).as("slow readers' streams").isEmpty();
      int served = 0;
      for (ManagedChannel channel : idle) {
        configGet(channel, idleUser, idleSession);
        served++;
      }
      assertThat(served).as("idle connections still served").isEqualTo(IDLE_CONNECTIONS);
      // Gone before the server stops, which would otherwise wait its grace period for them.
      closeAll(readerChannels, idle);
    } finally {
      stop.set(true);
      readers.shutdownNow();
      user.shutdownNow();
      closeAll(readerChannels, idle);
    }
  }

  private static void closeAll(List<RawGrpc> readers, List<ManagedChannel> idle)
      throws InterruptedException {
    for (RawGrpc grpc : readers) {
      grpc.close();
    }
    for (ManagedChannel channel : idle) {
      channel.shutdownNow();
    }
  }

  /**
   * Starts the large result in a session of its own and reads one chunk a second until
   * told to stop (or the result ends); returns the responses read.
   */
  private static long readSlowly(
      RawGrpc grpc,
      CountDownLatch reading,
      AtomicBoolean stop,
      Queue<String> failures,
      AtomicInteger finishedEarly) {
    long responses = 0;
    boolean counted = false;
    try {
      Iterator<ExecutePlanResponse> stream =
          grpc.channelStub(TimeUnit.MINUTES.toMillis(8))
              .executePlan(
                  RawGrpc.execute(
                          RawGrpc.newSessionId(),
                          RawGrpc.user("reader"),
                          RawGrpc.sqlQuery(LARGE_RESULT))
                      .addRequestOptions(RawGrpc.arrowChunks(CHUNK_BYTES))
                      .build());
      while (!stop.get() && stream.hasNext()) {
        ExecutePlanResponse response = stream.next();
        responses++;
        if (!counted && response.hasArrowBatch()) {
          counted = true;
          reading.countDown();
        }
        Thread.sleep(READ_PAUSE_MS);
      }
      if (!stop.get()) {
        finishedEarly.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failures.add(e.toString());
    } finally {
      if (!counted) {
        reading.countDown();
        failures.add("a reader got no result");
      }
    }
    return responses;
  }

  private static void configGet(ManagedChannel channel, UserContext user, String session) {
    SparkConnectServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .config(RawGrpc.configGet(session, user, "spark.sql.shuffle.partitions"));
  }
}
