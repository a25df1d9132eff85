package dev.vxconnect.e2e.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerBesideSpark;
import dev.vxconnect.e2e.support.Sneaky;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Context;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * Spark's own keys that bound an execution, set small on vxconnect and, with the same values, on
 * Apache Spark's own Connect server beside it, whose answers are the expected ones: the largest
 * Arrow batch ({@code spark.connect.grpc.arrow.maxBatchSize}), the sent responses kept for a
 * reattach ({@code spark.connect.execute.reattachable.observerRetryBufferSize}), the abandoned
 * operation ids remembered ({@code spark.connect.execute.manager.abandonedTombstonesSize}, with
 * the detached timeout that abandons them) and how long a finished operation's id stays taken
 * ({@code spark.connect.session.inactiveOperations.cacheExpiration}); streams last at most 2 s
 * ({@code spark.connect.execute.reattachable.senderMaxStreamDuration}). Raw gRPC: the official
 * client hides batches, response ids and operation ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class SparkExecutionKeysE2ETest {

  private static final long MAX_BATCH_BYTES = 1 << 20;
  private static final long RETRY_BUFFER_BYTES = 64 << 10;
  private static final int TOMBSTONES = 2;
  private static final long DETACHED_TIMEOUT_MS = 2_000;
  private static final long MAINTENANCE_MS = 500;

  /**
   * Spark's server notices that a client went away only when its sender next wakes: with nothing
   * to send (a query that sleeps), at the end of the stream's time. Short, so that its operations
   * are detached seconds after their client left, as vxconnect's are at once.
   */
  private static final long MAX_STREAM_MS = 2_000;

  /** About 4 MB in rows of about 1 KB: several batches of at most 1 MiB. */
  private static final String WIDE = "select id, repeat('x', 1000) as pad from range(4000)";

  /** About 12 MB: more batches of about 700 KB than a test reads. */
  private static final String WIDER = "select id, repeat('x', 1000) as pad from range(12000)";

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 120000L) as slept from range(1)";

  private static final List<String> KEYS =
      List.of(
          "spark.connect.grpc.arrow.maxBatchSize=" + MAX_BATCH_BYTES,
          "spark.connect.execute.reattachable.observerRetryBufferSize=" + RETRY_BUFFER_BYTES,
          "spark.connect.execute.manager.abandonedTombstonesSize=" + TOMBSTONES,
          "spark.connect.execute.manager.detachedTimeout=" + DETACHED_TIMEOUT_MS + "ms",
          "spark.connect.execute.manager.maintenanceInterval=" + MAINTENANCE_MS + "ms",
          "spark.connect.execute.reattachable.senderMaxStreamDuration=" + MAX_STREAM_MS + "ms",
          "spark.connect.session.inactiveOperations.cacheExpiration=0");

  private final UserContext user = RawGrpc.user("keys");
  private ServerBesideSpark servers;

  @BeforeAll
  void startServers() throws Exception {
    servers =
        ServerBesideSpark.start(
            () -> SparkServerProcess.start("spark-keys", KEYS),
            () -> ServerProcess.start("keys", KEYS));
  }

  @AfterAll
  void stopServers() {
    if (servers != null) {
      servers.close();
    }
  }

  /** What {@code scenario} gives on Spark's server (expected) and on vxconnect, side by side. */
  private <T> List<T> onBoth(Function<RawGrpc, T> scenario) throws Exception {
    CompletableFuture<T> spark =
        CompletableFuture.supplyAsync(() -> Sneaky.call(() -> on(servers.spark(), scenario)));
    T vxconnect = on(servers.vxconnect(), scenario);
    return List.of(spark.get(), vxconnect);
  }

  private static <T> T on(ServerProcess target, Function<RawGrpc, T> scenario) throws Exception {
    try (RawGrpc grpc = new RawGrpc(target.port())) {
      return scenario.apply(grpc);
    }
  }

  private ExecutePlanRequest.Builder execute(String session, String operation, String sql) {
    return RawGrpc.execute(session, user, RawGrpc.sqlQuery(sql)).setOperationId(operation);
  }

  private ExecutePlanRequest reattachable(String session, String operation, String sql) {
    return execute(session, operation, sql).addRequestOptions(RawGrpc.reattachable(true)).build();
  }

  private ReattachExecuteRequest reattach(String session, String operation, String lastResponse) {
    ReattachExecuteRequest.Builder request = RawGrpc.reattach(session, user, operation);
    if (lastResponse != null) {
      request.setLastResponseId(lastResponse);
    }
    return request.build();
  }

  /** The error class the call failed with, or "ok" if it did not fail. */
  private static String outcome(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    if (failure == null) {
      return "ok";
    }
    return RawGrpc.errorClass(failure).orElse(failure.getStatus().getCode().toString());
  }

  /**
   * Reads a reattachable execution's responses until {@code count} of them are {@code counted}
   * (reattaching where the server ended a stream after {@link #MAX_STREAM_MS}), then cuts the
   * stream; returns every response read. Not every response is a result: each stream starts with an
   * acknowledgement, and a query that is slow to start sends progress reports.
   */
  private List<ExecutePlanResponse> readThenCut(
      RawGrpc grpc, ExecutePlanRequest request, int count, Predicate<ExecutePlanResponse> counted) {
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      return call.call(
          () -> {
            Iterator<ExecutePlanResponse> stream = grpc.stub().executePlan(request);
            List<ExecutePlanResponse> read = new ArrayList<>();
            while (read.stream().filter(counted).count() < count) {
              if (stream.hasNext()) {
                ExecutePlanResponse response = stream.next();
                assertThat(response.hasResultComplete()).as("the result ended early").isFalse();
                read.add(response);
              } else {
                // Under load a stream may end before its first response: then from the start.
                String last = read.isEmpty() ? null : read.get(read.size() - 1).getResponseId();
                stream =
                    grpc.stub()
                        .reattachExecute(
                            reattach(request.getSessionId(), request.getOperationId(), last));
              }
            }
            return read;
          });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      call.cancel(null);
    }
  }

  @Test
  void arrowBatchesAreCutAtTheMaxBatchSizeAsSparksServerCutsThem() throws Exception {
    List<List<Long>> rowsPerBatch =
        onBoth(
            grpc -> {
              List<Long> rows = new ArrayList<>();
              grpc.stub()
                  .executePlan(
                      execute(RawGrpc.newSessionId(), UUID.randomUUID().toString(), WIDE).build())
                  .forEachRemaining(
                      response -> {
                        if (response.hasArrowBatch()) {
                          assertThat((long) response.getArrowBatch().getData().size())
                              .as("an Arrow batch's bytes")
                              .isLessThanOrEqualTo(MAX_BATCH_BYTES);
                          rows.add(response.getArrowBatch().getRowCount());
                        }
                      });
              return rows;
            });
    System.out.printf(
        "SparkExecutionKeysE2ETest: rows per batch: Spark's server %s, vxconnect %s%n",
        rowsPerBatch.get(0), rowsPerBatch.get(1));
    assertThat(rowsPerBatch.get(0).stream().mapToLong(Long::longValue).sum()).isEqualTo(4000);
    assertThat(rowsPerBatch.get(1)).as("Spark's server's batches").isEqualTo(rowsPerBatch.get(0));
  }

  @Test
  void aReattachToAResponseOlderThanTheRetryBufferIsRefusedAsSparksServerRefusesIt()
      throws Exception {
    List<List<String>> outcomes =
        onBoth(
            grpc -> {
              String session = RawGrpc.newSessionId();
              String operation = UUID.randomUUID().toString();
              // A batch holds about 700 KB: after eight, the first response is far more than
              // 64 KB back (each server keeps sent responses back to that size, at least one).
              // Counted as batches: under load, the first responses are acknowledgements and
              // progress reports of a few bytes each (Spark's server once answered "ok" when eight
              // of those were counted).
              List<ExecutePlanResponse> read =
                  readThenCut(
                      grpc,
                      reattachable(session, operation, WIDER),
                      8,
                      ExecutePlanResponse::hasArrowBatch);
              String oldest = read.get(0).getResponseId();
              String atTheOldest =
                  outcome(
                      () ->
                          grpc.stub()
                              .reattachExecute(reattach(session, operation, oldest))
                              .forEachRemaining(r -> {}));
              String released =
                  outcome(
                      () ->
                          grpc.stub().releaseExecute(RawGrpc.releaseAll(session, user, operation)));
              return List.of(atTheOldest, released);
            });
    System.out.printf(
        "SparkExecutionKeysE2ETest: a reattach at the first response: Spark's server %s,"
            + " vxconnect %s%n",
        outcomes.get(0), outcomes.get(1));
    assertThat(outcomes.get(0).get(0))
        .as("Spark's server, which keeps 64 KB of sent responses")
        .isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    assertThat(outcomes.get(1)).as("Spark's server's answers").isEqualTo(outcomes.get(0));
  }

  @Test
  void abandonedOperationIdsAreRememberedUpToTheLimitAsSparksServerRemembersThem()
      throws Exception {
    List<List<String>> outcomes =
        onBoth(
            grpc -> {
              String session = RawGrpc.newSessionId();
              List<String> operations = new ArrayList<>();
              // Three operations whose client goes away for good, three maintenance rounds apart:
              // each is abandoned in a round of its own, so the order of their tombstones is known.
              for (int i = 0; i < TOMBSTONES + 1; i++) {
                String operation = UUID.randomUUID().toString();
                operations.add(operation);
                List<ExecutePlanResponse> read =
                    readThenCut(grpc, reattachable(session, operation, SLOW), 1, response -> true);
                assertThat(read).hasSize(1);
                Sneaky.run(() -> Thread.sleep(3 * MAINTENANCE_MS));
              }
              // Reattaching would keep one alive: wait, without a call, until all are abandoned.
              Sneaky.run(
                  () -> Thread.sleep(MAX_STREAM_MS + DETACHED_TIMEOUT_MS + 4 * MAINTENANCE_MS));
              List<String> answers = new ArrayList<>();
              for (String operation : operations) {
                answers.add(
                    outcome(
                        () ->
                            grpc.stub()
                                .reattachExecute(reattach(session, operation, null))
                                .forEachRemaining(r -> {})));
              }
              // The same id again: refused while it is remembered, a new operation once not.
              for (String operation : List.of(operations.get(TOMBSTONES), operations.get(0))) {
                answers.add(
                    outcome(
                        () ->
                            grpc.stub()
                                .executePlan(execute(session, operation, "select 1").build())
                                .forEachRemaining(r -> {})));
              }
              return answers;
            });
    System.out.printf(
        "SparkExecutionKeysE2ETest: three abandoned operations, then two of their ids again:"
            + " Spark's server %s, vxconnect %s%n",
        outcomes.get(0), outcomes.get(1));
    assertThat(outcomes.get(0))
        .as("Spark's server, which remembers the last two")
        .containsExactly(
            "INVALID_HANDLE.OPERATION_NOT_FOUND",
            "INVALID_HANDLE.OPERATION_ABANDONED",
            "INVALID_HANDLE.OPERATION_ABANDONED",
            "INVALID_HANDLE.OPERATION_ABANDONED",
            "ok");
    assertThat(outcomes.get(1)).as("Spark's server's answers").isEqualTo(outcomes.get(0));
  }

  @Test
  void aFinishedOperationsIdIsFreeAtOnceWithNoInactiveMemoryAsOnSparksServer() throws Exception {
    List<List<String>> outcomes =
        onBoth(
            grpc -> {
              String session = RawGrpc.newSessionId();
              String operation = UUID.randomUUID().toString();
              List<String> answers = new ArrayList<>();
              for (String sql : List.of("select 1", "select 2")) {
                answers.add(
                    outcome(
                        () ->
                            grpc.stub()
                                .executePlan(execute(session, operation, sql).build())
                                .forEachRemaining(r -> {})));
              }
              return answers;
            });
    System.out.printf(
        "SparkExecutionKeysE2ETest: a finished operation's id again, remembered 0 minutes:"
            + " Spark's server %s, vxconnect %s%n",
        outcomes.get(0), outcomes.get(1));
    // With the default 30 minutes the second is refused
    // (ProtocolE2ETest.reusedOperationIdIsRefused).
    assertThat(outcomes.get(1)).as("Spark's server's answers").isEqualTo(outcomes.get(0));
  }
}
