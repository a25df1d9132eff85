package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Futures;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.coverage.CoverageRecorder;
import dev.vxconnect.e2e.support.coverage.CurrentScenario;
import dev.vxconnect.testkit.TcpProxy;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.client.SparkResult;
import org.junit.jupiter.api.Test;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * Broken connections, made by a TCP proxy between client and server that cuts them while results
 * stream. A reattachable collect of the official client survives three cuts: the client comes back
 * each time with ReattachExecute after the last response it saw, and must end up with every row
 * exactly once, as one execution on the server. A non-reattachable execution whose connection
 * breaks is interrupted, as in Spark: nobody can ever read it again.
 */
class ReattachE2ETest extends ServerTestBase {

  private static final long ROWS = 2_000_000;
  private static final String[] COLUMNS = {
    "id", "id * 2 as twice", "concat('row-', id) as s", "hash(id, concat('row-', id)) as h"
  };

  /**
   * Server-to-client bytes (counted from the start of the collect) at which the proxy cuts. The
   * whole result is about 70 MB of Arrow batches, so each cut lands well inside it; the test checks
   * that the result was not complete at any cut and that a good part came after the last one.
   */
  private static final long[] CUT_AT_BYTES = {12_000_000, 30_000_000, 48_000_000};

  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(240);

  @Test
  void collectSurvivesConnectionCuts() throws Exception {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    // The oracle: the same rows aggregated by the server, on a direct connection.
    Row expected =
        spark
            .range(ROWS)
            .selectExpr(COLUMNS)
            .selectExpr("count(*)", "sum(id)", "sum(cast(h as bigint))")
            .collectAsList()
            .get(0);
    assertThat(expected.getLong(0)).isEqualTo(ROWS);

    int logStart = server().logText().length();
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (TcpProxy proxy = TcpProxy.start(server().port());
        SparkSession client =
            Sessions.connectRetryingClosedChannels("sc://localhost:" + proxy.port())) {
      assertThat(client.version()).isNotEmpty(); // the session is set up before counting bytes
      long start = proxy.bytesToClient();

      @SuppressWarnings("unchecked")
      SparkResult<Row> result =
          ((Dataset<Row>) client.range(ROWS).selectExpr(COLUMNS)).collectResult();
      // The result is not thread-safe: learn its id before another thread reads it.
      String operationId = result.operationId();
      Future<Object> collected = background.submit(() -> result.toArray());

      for (long cutAt : CUT_AT_BYTES) {
        awaitBytesToClient(proxy, start + cutAt, collected, deadline);
        assertThat(collected.isDone())
            .as("the result was complete before the cut at %d bytes", cutAt)
            .isFalse();
        assertThat(proxy.cutAll()).as("connections cut at %d bytes", cutAt).isPositive();
      }
      long atLastCut = proxy.bytesToClient() - start;
      Row[] rows = (Row[]) collected.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      result.close();
      long total = proxy.bytesToClient() - start;
      System.out.printf(
          "ReattachE2ETest: %d bytes to the client, %d after the last cut, %d connections%n",
          total, total - atLastCut, proxy.connectionsAccepted());

      assertThat(total - atLastCut)
          .as("bytes received after the last cut (of %d)", total)
          .isGreaterThan(total / 10);
      assertEveryRowOnce(rows, expected);
      assertThat(proxy.connectionsAccepted())
          .as("connections through the proxy: one, then one per cut")
          .isGreaterThanOrEqualTo(1 + CUT_AT_BYTES.length);
      assertThat(CoverageRecorder.read(CoverageRecorder.directory()).get(CurrentScenario.get()))
          .as("RPCs the client sent")
          .contains("rpc ReattachExecute");
      assertOneExecution(operationId);
      // A broken connection is ordinary: the server must notice it and not fail on the dead stream.
      assertThat(
              server()
                  .logText()
                  .substring(logStart)
                  .lines()
                  .filter(l -> l.contains("Unhandled failure")))
          .as("unhandled failures in the server log while the client reconnected")
          .isEmpty();
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void nonReattachableExecutionEndsWhenItsConnectionBreaks() throws Exception {
    String session = RawGrpc.newSessionId();
    UserContext user = RawGrpc.user("cut");
    String operation = UUID.randomUUID().toString();
    // About a minute of sleeping tasks: it must not end by itself within the deadline below.
    ExecutePlanRequest request =
        RawGrpc.execute(
                session,
                user,
                RawGrpc.sqlQuery(
                    "select id, java_method('java.lang.Thread', 'sleep', 1L) as slept from range(0, 100000, 1, 50)"))
            .setOperationId(operation)
            .build();
    try (RawGrpc direct = new RawGrpc(server().port())) {
      try (TcpProxy proxy = TcpProxy.start(server().port());
          RawGrpc viaProxy = new RawGrpc(proxy.port())) {
        Iterator<ExecutePlanResponse> stream = viaProxy.stub().executePlan(request);
        assertThat(stream.next().hasSchema()).isTrue();
        assertThat(proxy.cutAll()).as("connections cut").isPositive();
      }
      // ReleaseExecute probes without side effects: it fails (NOT_REATTACHABLE) while the operation
      // exists and answers without an operation id once it is gone.
      ReleaseExecuteRequest probe = RawGrpc.releaseAll(session, user, operation);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      String lastAnswer;
      while (true) {
        try {
          lastAnswer =
              "released, operation id '"
                  + direct.stub().releaseExecute(probe).getOperationId()
                  + "'";
          break;
        } catch (StatusRuntimeException e) {
          lastAnswer = RawGrpc.errorClass(e).orElse(e.getStatus().toString());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "operation "
                  + operation
                  + " still exists 15 s after its connection broke:"
                  + " ReleaseExecute answers "
                  + lastAnswer);
        }
        Thread.sleep(200);
      }
      assertThat(lastAnswer).isEqualTo("released, operation id ''");
    } finally {
      try (RawGrpc direct = new RawGrpc(server().port())) {
        direct
            .stub()
            .interrupt(
                InterruptRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(user)
                    .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_ALL)
                    .build());
      }
    }
  }

  /** Every id once, each row's values consistent with its id, and the server's checksums. */
  private static void assertEveryRowOnce(Row[] rows, Row expected) {
    BitSet seen = new BitSet((int) ROWS);
    long duplicates = 0;
    long outOfRange = 0;
    long inconsistent = 0;
    String firstBad = null;
    long sumIds = 0;
    long sumHashes = 0;
    for (Row row : rows) {
      long id = row.getLong(0);
      if (id < 0 || id >= ROWS) {
        outOfRange++;
        firstBad = firstBad == null ? row.toString() : firstBad;
        continue;
      }
      if (seen.get((int) id)) {
        duplicates++;
      }
      seen.set((int) id);
      if (row.getLong(1) != 2 * id || !("row-" + id).equals(row.getString(2))) {
        inconsistent++;
        firstBad = firstBad == null ? row.toString() : firstBad;
      }
      sumIds += id;
      sumHashes += row.getInt(3);
    }
    assertThat(rows.length).as("rows collected").isEqualTo(ROWS);
    assertThat(duplicates).as("rows received twice").isZero();
    assertThat(ROWS - seen.cardinality()).as("rows missing").isZero();
    assertThat(outOfRange + inconsistent).as("corrupt rows, first: %s", firstBad).isZero();
    assertThat(sumIds).as("sum(id) against the server's").isEqualTo(expected.getLong(1));
    assertThat(sumHashes)
        .as("sum(hash(id, s)) against the server's")
        .isEqualTo(expected.getLong(2));
  }

  /**
   * The server ran the collect once: it accepted the operation once, as reattachable, and it did
   * not fail. (It does not log reattaches; the client's record above shows them.)
   */
  private static void assertOneExecution(String operationId) throws Exception {
    List<String> lines = server().logText().lines().filter(l -> l.contains(operationId)).toList();
    assertThat(lines.stream().filter(l -> l.contains("accepted")))
        .as("server log lines of operation %s", operationId)
        .singleElement()
        .asString()
        .contains("(reattachable");
    assertThat(lines)
        .as("server log lines of operation %s", operationId)
        .noneMatch(l -> l.contains(" failed"));
  }

  /** Waits until the proxy forwarded {@code target} bytes to the client, which must still be reading. */
  private static void awaitBytesToClient(
      TcpProxy proxy, long target, Future<?> collected, long deadline) throws InterruptedException {
    while (proxy.bytesToClient() < target) {
      if (collected.isDone()) {
        Throwable failure = Futures.failureOf(collected);
        throw new AssertionError(
            "the collect ended after "
                + proxy.bytesToClient()
                + " bytes, before the cut at "
                + target
                + (failure == null ? "" : ", with: " + failure),
            failure);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only "
                + proxy.bytesToClient()
                + " bytes reached the client before the"
                + " deadline; waiting for "
                + target);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private static long remainingNanos(long deadline) throws TimeoutException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new TimeoutException("deadline passed");
    }
    return remaining;
  }
}
