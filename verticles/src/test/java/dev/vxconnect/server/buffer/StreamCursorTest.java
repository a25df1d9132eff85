package dev.vxconnect.server.buffer;

import static dev.vxconnect.server.buffer.Responses.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.buffer.StreamCursor.Step;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkThrowable;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;

/**
 * The order of a result stream's decisions, with the budget Apache Spark's own client suites give
 * their server (streams cut after 123 bytes or 1 s): every response there goes over the size, so
 * the operation's end and the end of the budget coincide all the time.
 */
class StreamCursorTest {

  private static final String OPERATION = "9b0c8f4e-2a51-4f0e-8d43-6f3b1e2a7c55";
  private static final String SESSION = "3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8";
  private static final String SERVER_SESSION = "c0ffee00-1234-4abc-9def-0123456789ab";
  private static final long MAX_BYTES = 123;
  private static final boolean ROOM = false;
  private static final boolean FULL = true;

  private final ResponseBuffer buffer =
      new ResponseBuffer(
          OPERATION,
          SESSION,
          SERVER_SESSION,
          new BufferLimits(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, new LongAdder()));

  @Test
  void anOperationThatFailsAsTheBudgetRunsOutSendsItsError() {
    StreamCursor stream = new StreamCursor(buffer, 1, MAX_BYTES);
    buffer.send(batch(200));
    assertThat(stream.step(ROOM)).isEqualTo(Step.SEND);
    stream.take();
    buffer.fail(ErrorStatus.of(ErrorStatus.INTERNAL, "boom"));

    assertThat(stream.step(ROOM))
        .as("budget spent, operation failed, all sent")
        .isEqualTo(Step.END);
    assertThat(stream.step(FULL)).as("whatever the client's queue").isEqualTo(Step.END);
  }

  @Test
  void aReattachedStreamThatSendsResultCompleteOverItsBudgetEnds() {
    buffer.send(batch(200));
    buffer.complete(resultComplete());
    // The client saw response 1 on an earlier stream and reattached after it.
    StreamCursor stream = new StreamCursor(buffer, 2, MAX_BYTES);
    assertThat(stream.step(ROOM)).isEqualTo(Step.SEND);
    assertThat(stream.take().response().hasResultComplete()).isTrue();
    assertThat(stream.bytesSent())
        .as("ResultComplete with its ids is over the budget")
        .isGreaterThan(MAX_BYTES);

    assertThat(stream.step(ROOM)).isEqualTo(Step.END);
  }

  @Test
  void theResponseThatGoesOverTheSizeIsSentThenTheStreamIsCut() {
    // Responses carry four ids (about 150 bytes): a larger budget, so that one fits under it.
    long maxBytes = 1000;
    StreamCursor stream = new StreamCursor(buffer, 1, maxBytes);
    buffer.send(batch(10));
    buffer.send(batch(2000));
    buffer.send(batch(10));
    stream.take();
    assertThat(stream.bytesSent()).isLessThanOrEqualTo(maxBytes);

    assertThat(stream.step(ROOM)).as("under the size").isEqualTo(Step.SEND);
    stream.take();
    assertThat(stream.step(ROOM)).as("over it, more to come").isEqualTo(Step.CUT);
    assertThat(stream.next()).as("where the client reattaches").isEqualTo(3);
  }

  @Test
  void aStreamOverItsSizeIsCutWhileItsOperationStillRuns() {
    StreamCursor stream = new StreamCursor(buffer, 1, MAX_BYTES);
    buffer.send(batch(200));
    stream.take();

    assertThat(stream.step(ROOM)).as("nothing produced yet, operation running").isEqualTo(Step.CUT);
  }

  @Test
  void theDeadlineCutsAStreamThatWaitsForResultsOrForItsClient() {
    StreamCursor waiting = new StreamCursor(buffer, 1, MAX_BYTES);
    assertThat(waiting.step(ROOM)).isEqualTo(Step.AWAIT_RESULTS);
    waiting.deadlinePassed();
    assertThat(waiting.step(ROOM)).isEqualTo(Step.CUT);
    assertThat(waiting.budgetSpentBy()).isEqualTo("its time");

    buffer.send(batch(10));
    StreamCursor behind = new StreamCursor(buffer, 1, MAX_BYTES);
    assertThat(behind.step(FULL)).isEqualTo(Step.AWAIT_CLIENT);
    behind.deadlinePassed();
    assertThat(behind.step(FULL)).as("a client that does not read is cut too").isEqualTo(Step.CUT);
  }

  @Test
  void theDeadlineDoesNotCutAStreamAtItsEnd() {
    buffer.send(batch(10));
    buffer.complete(resultComplete());
    StreamCursor stream = new StreamCursor(buffer, 1, MAX_BYTES);
    stream.take();
    stream.take();
    stream.deadlinePassed();

    assertThat(stream.step(ROOM)).isEqualTo(Step.END);
  }

  @Test
  void aStreamWaitsForResultsThenSendsThemInOrder() {
    StreamCursor stream = new StreamCursor(buffer, 1, Long.MAX_VALUE);
    assertThat(stream.step(ROOM)).isEqualTo(Step.AWAIT_RESULTS);
    buffer.send(batch(10));
    buffer.send(batch(20));

    assertThat(stream.step(FULL)).isEqualTo(Step.AWAIT_CLIENT);
    assertThat(stream.step(ROOM)).isEqualTo(Step.SEND);
    assertThat(stream.take().index()).isEqualTo(1);
    assertThat(stream.take().index()).isEqualTo(2);
    assertThat(stream.step(ROOM)).isEqualTo(Step.AWAIT_RESULTS);
    buffer.complete(null);
    assertThat(stream.step(ROOM)).isEqualTo(Step.END);
  }

  @Test
  void aStreamAfterReleasedResponsesFailsWithPositionNotAvailable() {
    buffer.send(batch(10));
    buffer.send(batch(10));
    buffer.releaseUntil(2);
    StreamCursor stream = new StreamCursor(buffer, 2, MAX_BYTES);

    Throwable failure = SparkErrors.unwrap(catchThrowable(() -> stream.step(ROOM)));
    assertThat(failure).isInstanceOf(SparkThrowable.class);
    assertThat(((SparkThrowable) failure).getCondition())
        .isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
  }

  private static ExecutePlanResponse resultComplete() {
    return ExecutePlanResponse.newBuilder()
        .setResultComplete(ExecutePlanResponse.ResultComplete.getDefaultInstance())
        .build();
  }
}
