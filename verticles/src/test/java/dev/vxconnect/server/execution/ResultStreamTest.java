package dev.vxconnect.server.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.memory.UnsharedOperationRegistry;
import dev.vxconnect.planner.ServerError;
import dev.vxconnect.proto.cluster.ResultMark;
import dev.vxconnect.proto.cluster.ResultMarks;
import dev.vxconnect.server.buffer.BufferLimits;
import dev.vxconnect.server.buffer.ResponseBuffer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.protobuf.ByteString;

/**
 * Result marks recorded before each result response, and a result resumed from them: only what
 * follows the client's position is sent, and only when the re-execution gave the same responses.
 */
class ResultStreamTest {

  private static final String OPERATION = "9b0c8f4e-2a51-4f0e-8d43-6f3b1e2a7c55";
  private static final long UNBOUNDED = Long.MAX_VALUE / 4;

  /** The registry's marks in a map: what this test is about is which marks, not where they go. */
  private static class Marks extends UnsharedOperationRegistry {
    final Map<String, ResultMarks> stored = new ConcurrentHashMap<>();

    @Override
    public Future<Void> remove(String operationId) {
      stored.remove(operationId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> putMarks(String operationId, ResultMarks marks) {
      stored.put(operationId, marks);
      return Future.succeededFuture();
    }

    @Override
    public Future<Optional<ResultMarks>> marks(String operationId) {
      return Future.succeededFuture(Optional.ofNullable(stored.get(operationId)));
    }
  }

  private static ResponseBuffer buffer(long firstIndex) {
    return new ResponseBuffer(
        OPERATION, "s", "ss", new BufferLimits(UNBOUNDED, UNBOUNDED, new LongAdder()), firstIndex);
  }

  private static ExecutePlanResponse schema() {
    return ExecutePlanResponse.newBuilder()
        .setSchema(DataType.newBuilder().setLong(DataType.Long.getDefaultInstance()))
        .build();
  }

  private static ExecutePlanResponse batch(int n, long offset) {
    byte[] data = new byte[64];
    Arrays.fill(data, (byte) n);
    return ExecutePlanResponse.newBuilder()
        .setArrowBatch(
            ExecutePlanResponse.ArrowBatch.newBuilder()
                .setData(ByteString.copyFrom(data))
                .setRowCount(10)
                .setStartOffset(offset))
        .build();
  }

  private static ExecutePlanResponse metrics() {
    return ExecutePlanResponse.newBuilder()
        .setMetrics(ExecutePlanResponse.Metrics.getDefaultInstance())
        .build();
  }

  /** A stream whose marks go to {@code registry}, of a result its re-execution gives again. */
  private static ResultStream reproducible(ResponseBuffer buffer, OperationRegistry registry) {
    ResultStream stream = ResultStream.recorded(buffer, registry);
    stream.reproducible(true);
    return stream;
  }

  /** The query: a schema, five batches, metrics; {@code changed} alters the batch at that position (0: none). */
  private static void produce(ResultStream stream, int changed) {
    stream.reproducible(true);
    stream.send(schema());
    for (int i = 1; i <= 5; i++) {
      stream.send(batch(i == changed ? 99 : i, (i - 1) * 10L));
    }
    stream.send(metrics());
    stream.checkComplete();
  }

  private static List<ExecutePlanResponse> sent(ResponseBuffer buffer, long from) {
    List<ExecutePlanResponse> out = new ArrayList<>();
    for (long i = from; buffer.get(i) != null; i++) {
      out.add(buffer.get(i).response());
    }
    return out;
  }

  @Test
  void eachResultResponseIsMarkedBeforeItCanBeSent() {
    Marks registry = new Marks();
    ResponseBuffer buffer = buffer(1);
    ResultStream stream = reproducible(buffer, registry);
    stream.send(schema());
    for (int i = 1; i <= 3; i++) {
      stream.send(batch(i, (i - 1) * 10L));
      ResultMarks marks = registry.stored.get(OPERATION);
      ResultMark last = marks.getMarks(marks.getMarksCount() - 1);
      assertThat(last.getIndex())
          .as("the mark names the response that is now in the buffer")
          .isEqualTo(1 + i);
      assertThat(last.getResults()).isEqualTo(i);
      assertThat(buffer.get(1 + i).response().hasArrowBatch()).isTrue();
    }
    assertThat(registry.stored.get(OPERATION).getMarksList())
        .extracting(ResultMark::getIndex)
        .containsExactly(2L, 3L, 4L);

    // The client released up to response 3: the mark at 3 is its position, the one at 2 goes.
    buffer.sent(4);
    buffer.releaseUntil(3);
    stream.send(batch(4, 30));
    assertThat(registry.stored.get(OPERATION).getMarksList())
        .extracting(ResultMark::getIndex)
        .containsExactly(3L, 4L, 5L);
  }

  /** Marks whose writes complete when the test says. */
  private static final class SlowMarks extends Marks {
    final List<Promise<Void>> writes = new ArrayList<>();
    final List<ResultMarks> written = new ArrayList<>();

    @Override
    public synchronized Future<Void> putMarks(String operationId, ResultMarks marks) {
      Promise<Void> write = Promise.promise();
      writes.add(write);
      written.add(marks);
      return write.future().onSuccess(v -> stored.put(operationId, marks));
    }

    synchronized Promise<Void> write(int n) {
      return writes.get(n);
    }
  }

  @Test
  void oneClusterWriteCoversEveryResponseProducedWhileThePreviousOneWasUnderWay() {
    SlowMarks registry = new SlowMarks();
    ResponseBuffer buffer = buffer(1);
    ResultStream stream = reproducible(buffer, registry);
    stream.send(schema());
    stream.send(batch(1, 0));
    stream.send(batch(2, 10));
    stream.send(batch(3, 20));

    assertThat(registry.writes)
        .as("one write under way, the producer did not wait for it")
        .hasSize(1);
    assertThat(buffer.get(1)).as("the schema goes at once").isNotNull();
    assertThat(buffer.get(2)).as("held until its mark is recorded").isNull();

    registry.write(0).complete();
    assertThat(buffer.get(2)).isNotNull();
    assertThat(buffer.get(3)).as("its mark is in the second write").isNull();
    assertThat(registry.writes).hasSize(2);
    assertThat(registry.written.get(1).getMarksList())
        .extracting(ResultMark::getIndex)
        .containsExactly(2L, 3L, 4L);

    registry.write(1).complete();
    assertThat(buffer.get(4).response().getArrowBatch().getStartOffset()).isEqualTo(20);
    assertThat(registry.writes).as("nothing left to write").hasSize(2);
  }

  @Test
  void theOperationCompletesOnlyWhenItsLastMarksAreRecorded() throws Exception {
    SlowMarks registry = new SlowMarks();
    ResponseBuffer buffer = buffer(1);
    ResultStream stream = reproducible(buffer, registry);
    stream.send(batch(1, 0));
    CompletableFuture<Void> completing = CompletableFuture.runAsync(stream::checkComplete);

    assertThat(catchThrowable(() -> completing.get(200, TimeUnit.MILLISECONDS)))
        .isInstanceOf(TimeoutException.class);
    registry.write(0).complete();
    completing.get(20, TimeUnit.SECONDS);
    assertThat(buffer.get(1)).isNotNull();
  }

  @Test
  void aMarkTheClusterCouldNotRecordFailsTheOperationAndItsResponsesAreNeverSent() {
    SlowMarks registry = new SlowMarks();
    ResponseBuffer buffer = buffer(1);
    ResultStream stream = reproducible(buffer, registry);
    stream.send(batch(1, 0));
    stream.send(batch(2, 10));

    registry.write(0).fail(new IllegalStateException("cluster gone"));

    assertThat(catchThrowable(() -> stream.send(batch(3, 20))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not record where its client stands")
        .hasMessageContaining("cluster gone");
    assertThat(catchThrowable(stream::checkComplete)).hasMessageContaining("cluster gone");
    assertThat(buffer.get(1)).isNull();
    assertThat(registry.writes).as("no write after a failed one").hasSize(1);
  }

  @Test
  void aResultThatMayDifferIsNotMarked() {
    Marks registry = new Marks();
    ResultStream stream = ResultStream.recorded(buffer(1), registry);
    stream.reproducible(false);
    stream.send(schema());
    stream.send(batch(1, 0));
    assertThat(registry.stored).isEmpty();
  }

  @Test
  void aResumedResultSendsOnlyWhatFollowsTheClientsPosition() {
    Marks registry = new Marks();
    ResponseBuffer first = buffer(1);
    produce(ResultStream.recorded(first, registry), 0);
    // The client had responses 1..4 (schema and three batches) when the instance was lost.
    ResultMark base =
        ExecutionManager.resumePoint(registry.stored.get(OPERATION), 4).orElseThrow().orElseThrow();
    assertThat(base.getResults()).isEqualTo(3);

    ResponseBuffer second = buffer(5);
    produce(ResultStream.resumed(second, registry, Optional.of(base)), 0);
    List<ExecutePlanResponse> resumed = sent(second, 5);
    assertThat(resumed)
        .extracting(r -> r.hasArrowBatch() ? r.getArrowBatch().getStartOffset() : -1L)
        .as("batches 4 and 5, then the metrics")
        .containsExactly(30L, 40L, -1L);
    assertThat(resumed.get(0).getArrowBatch().getData())
        .isEqualTo(sent(first, 1).get(4).getArrowBatch().getData());
    // A second failover finds marks that go on from the first.
    assertThat(registry.stored.get(OPERATION).getMarksList())
        .extracting(ResultMark::getResults)
        .contains(3L, 4L, 5L);
  }

  @Test
  void aResultThatComesOutDifferentIsNotResumed() {
    Marks registry = new Marks();
    produce(ResultStream.recorded(buffer(1), registry), 0);
    ResultMark base =
        ExecutionManager.resumePoint(registry.stored.get(OPERATION), 4).orElseThrow().orElseThrow();

    ResponseBuffer again = buffer(5);
    Throwable failure =
        catchThrowable(() -> produce(ResultStream.resumed(again, registry, Optional.of(base)), 2));
    assertThat(failure)
        .isInstanceOf(ServerError.class)
        .hasMessageContaining("VXCONNECT_FAILOVER.OPERATION_LOST")
        .hasMessageContaining("differ");
    assertThat(again.get(5)).as("nothing was sent").isNull();
  }

  @Test
  void aResultThatEndsBeforeTheClientsPositionIsNotResumed() {
    Marks registry = new Marks();
    produce(ResultStream.recorded(buffer(1), registry), 0);
    ResultMark base =
        ExecutionManager.resumePoint(registry.stored.get(OPERATION), 6).orElseThrow().orElseThrow();
    assertThat(base.getResults()).isEqualTo(5);

    ResultStream shorter = ResultStream.resumed(buffer(7), registry, Optional.of(base));
    shorter.reproducible(true);
    shorter.send(schema());
    shorter.send(batch(1, 0));
    assertThat(catchThrowable(shorter::checkComplete))
        .isInstanceOf(ServerError.class)
        .hasMessageContaining("ended after 1");
  }

  @Test
  void theClientsPositionIsTheLastMarkAtOrBeforeItsLastResponse() {
    ResultMarks marks =
        ResultMarks.newBuilder()
            .addMarks(ResultMark.newBuilder().setIndex(2).setResults(1))
            .addMarks(ResultMark.newBuilder().setIndex(3).setResults(2))
            .addMarks(ResultMark.newBuilder().setIndex(5).setResults(3)) // 4 was a progress report
            .build();
    assertThat(ExecutionManager.resumePoint(marks, 1)).contains(Optional.empty());
    assertThat(ExecutionManager.resumePoint(marks, 4).orElseThrow().orElseThrow().getResults())
        .isEqualTo(2);
    assertThat(ExecutionManager.resumePoint(marks, 9).orElseThrow().orElseThrow().getResults())
        .isEqualTo(3);
    ResultMarks pruned = ResultMarks.newBuilder().addMarks(marks.getMarks(2)).build();
    assertThat(ExecutionManager.resumePoint(pruned, 4))
        .as("the marks that could tell are gone")
        .isEmpty();
  }
}
