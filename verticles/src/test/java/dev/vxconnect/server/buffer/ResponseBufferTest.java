package dev.vxconnect.server.buffer;

import static dev.vxconnect.server.buffer.Responses.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SparkErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SparkThrowable;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;

class ResponseBufferTest {

  private static final String OPERATION = "9b0c8f4e-2a51-4f0e-8d43-6f3b1e2a7c55";
  private static final String SESSION = "3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8";
  private static final String SERVER_SESSION = "c0ffee00-1234-4abc-9def-0123456789ab";
  private static final long UNBOUNDED = Long.MAX_VALUE / 4;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void indexesResponsesFromOneAndStampsTheirIds() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.send(batch(10));
    buffer.send(batch(20));

    for (long index = 1; index <= 2; index++) {
      ResponseBuffer.Entry entry = buffer.get(index);
      assertThat(entry.index()).isEqualTo(index);
      ExecutePlanResponse response = entry.response();
      assertThat(response.getSessionId()).isEqualTo(SESSION);
      assertThat(response.getServerSideSessionId()).isEqualTo(SERVER_SESSION);
      assertThat(response.getOperationId()).isEqualTo(OPERATION);
      assertThat(response.getResponseId()).isEqualTo(ResponseIds.of(OPERATION, index));
      assertThat(entry.size()).isEqualTo(response.getSerializedSize());
      assertThat(buffer.indexOf(response.getResponseId())).isEqualTo(index);
    }
    assertThat(buffer.get(2).response().getArrowBatch().getData().size()).isEqualTo(20);
    assertThat(buffer.get(3)).as("not produced yet").isNull();
    assertThat(buffer.heldBytes()).isEqualTo(buffer.get(1).size() + buffer.get(2).size());
  }

  @Test
  void producerWaitsWhileTheClientIsBehindAndResumesWhenResponsesAreSent() throws Exception {
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(2 * size, UNBOUNDED);
    Producer producer =
        new Producer(buffer, List.of(batch(1000), batch(1000), batch(1000), batch(1000)));

    producer.awaitWaiting();
    assertThat(producer.sent.get()).isEqualTo(2);
    assertThat(buffer.get(3)).isNull();
    assertThat(buffer.heldBytes()).isEqualTo(2 * size);

    buffer.sent(1);
    producer.awaitWaitingAfter(3);
    assertThat(buffer.get(3)).isNotNull();

    buffer.sent(3);
    producer.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(buffer.get(4)).isNotNull();
  }

  @Test
  void aWaitingProducerGivesItsSlotBackAndTakesItAgainBeforeItAppends() throws Exception {
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(size, UNBOUNDED);
    Semaphore spark = new Semaphore(0);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    buffer.producerSlot(
        new ProducerSlot() {
          @Override
          public void release() {
            events.add("release");
            spark.release();
          }

          @Override
          public void reacquire() throws InterruptedException {
            events.add("reacquire");
            spark.acquire();
          }
        });
    Producer producer = new Producer(buffer, List.of(batch(1000), batch(1000)));

    producer.awaitWaiting();
    assertThat(events)
        .as("while the client is behind, the slot is free for others")
        .containsExactly("release");
    assertThat(spark.tryAcquire()).as("another operation takes the slot").isTrue();

    buffer.sent(1);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!events.contains("reacquire") || producer.thread.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("the producer asks for its slot back").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(buffer.get(2)).as("no response is added before the slot is back").isNull();

    spark.release();
    producer.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(buffer.get(2)).isNotNull();
    assertThat(events).containsExactly("release", "reacquire");
  }

  @Test
  void unsentBytesNeverExceedTheLimit() {
    // Responses get their ids stamped in the buffer: the limit must hold for what is stored.
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(2 * size - 1, UNBOUNDED);
    Producer producer = new Producer(buffer, List.of(batch(1000), batch(1000), batch(1000)));

    producer.awaitWaiting();
    assertThat(buffer.heldBytes())
        .as("unsent bytes with a limit of %d", 2 * size - 1)
        .isLessThanOrEqualTo(2 * size - 1);
    buffer.cancel();
  }

  @Test
  void aResponseLargerThanTheLimitIsAcceptedWhenNothingElseWaits() throws Exception {
    ResponseBuffer buffer = buffer(100, UNBOUNDED);
    buffer.send(batch(5000));
    assertThat(buffer.get(1)).isNotNull();

    Producer producer = new Producer(buffer, List.of(batch(10)));
    producer.awaitWaiting();
    buffer.sent(1);
    producer.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(buffer.get(2)).isNotNull();
  }

  @Test
  void keepsSentResponsesWithinRetainBytes() {
    long size = stampedSize(batch(100));
    ResponseBuffer buffer = buffer(UNBOUNDED, 2 * size);
    for (int i = 0; i < 5; i++) {
      buffer.send(batch(100));
    }

    buffer.sent(5);

    assertThat(buffer.get(4)).isNotNull();
    assertThat(buffer.get(5)).isNotNull();
    assertThat(condition(() -> buffer.get(3))).isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    assertThat(condition(() -> buffer.get(1))).isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    assertThat(buffer.heldBytes()).isEqualTo(2 * size);
  }

  @Test
  void keepsTheLastSentResponseAndEveryUnsentOneEvenWithoutRetention() {
    ResponseBuffer buffer = buffer(UNBOUNDED, 0);
    for (int i = 0; i < 5; i++) {
      buffer.send(batch(100));
    }

    buffer.sent(1);
    buffer.sent(2);

    assertThat(condition(() -> buffer.get(1))).isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    for (long index = 2; index <= 5; index++) {
      assertThat(buffer.get(index)).as("response %d", index).isNotNull();
    }
  }

  @Test
  void unknownResponseIdsAreNotFound() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.send(batch(10));
    buffer.send(batch(10));

    assertThat(buffer.indexOf(ResponseIds.of(OPERATION, 2))).isEqualTo(2);
    assertThat(condition(() -> buffer.indexOf(ResponseIds.of(OPERATION, 3))))
        .as("not produced yet")
        .isEqualTo("INVALID_CURSOR.POSITION_NOT_FOUND");
    assertThat(condition(() -> buffer.indexOf(ResponseIds.of("another-operation", 1))))
        .isEqualTo("INVALID_CURSOR.POSITION_NOT_FOUND");
    assertThat(condition(() -> buffer.indexOf("not-a-uuid")))
        .isEqualTo("INVALID_CURSOR.POSITION_NOT_FOUND");
  }

  @Test
  void releaseUntilDropsResponsesUpToAndIncludingTheIndex() {
    long size = stampedSize(batch(100));
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    for (int i = 0; i < 4; i++) {
      buffer.send(batch(100));
    }
    buffer.sent(3);

    buffer.releaseUntil(2);

    assertThat(condition(() -> buffer.get(2))).isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    assertThat(buffer.get(3)).isNotNull();
    assertThat(buffer.get(4)).isNotNull();
    assertThat(buffer.heldBytes()).isEqualTo(2 * size);

    buffer.releaseUntil(4);
    assertThat(buffer.heldBytes()).isZero();
    assertThat(condition(() -> buffer.get(4))).isEqualTo("INVALID_CURSOR.POSITION_NOT_AVAILABLE");
    buffer.send(batch(100));
    assertThat(buffer.get(5).index()).isEqualTo(5);
  }

  @Test
  void releasingUnsentResponsesMakesRoomForTheProducer() throws Exception {
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(2 * size, UNBOUNDED);
    Producer producer = new Producer(buffer, List.of(batch(1000), batch(1000), batch(1000)));
    producer.awaitWaiting();

    buffer.releaseUntil(2);

    producer.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(buffer.get(3)).isNotNull();
  }

  @Test
  void cancelWakesAWaitingProducerWithCancellationException() throws Exception {
    ResponseBuffer buffer = buffer(100, UNBOUNDED);
    Producer producer = new Producer(buffer, List.of(batch(500), batch(500)));
    producer.awaitWaiting();

    buffer.cancel();

    assertThat(producer.failure()).isInstanceOf(CancellationException.class);
    assertThat(producer.sent.get()).isEqualTo(1);
    assertThatThrownBy(() -> buffer.send(batch(1))).isInstanceOf(CancellationException.class);
  }

  @Test
  void interruptingAWaitingProducerCancelsItsSend() throws Exception {
    ResponseBuffer buffer = buffer(100, UNBOUNDED);
    Producer producer = new Producer(buffer, List.of(batch(500), batch(500)));
    producer.awaitWaiting();

    producer.thread.interrupt();

    assertThat(producer.failure()).isInstanceOf(CancellationException.class);
  }

  @Test
  void completeAppendsTheLastResponseAndEndsTheStream() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.send(batch(10));
    buffer.send(batch(10));
    ExecutePlanResponse done =
        ExecutePlanResponse.newBuilder()
            .setResultComplete(ExecutePlanResponse.ResultComplete.getDefaultInstance())
            .build();

    buffer.complete(done);
    buffer.complete(done);
    buffer.fail(ErrorStatus.of(ErrorStatus.INTERNAL, "too late"));

    assertThat(buffer.get(3).response().hasResultComplete()).isTrue();
    assertThat(buffer.get(3).response().getResponseId()).isEqualTo(ResponseIds.of(OPERATION, 3));
    assertThat(buffer.get(4)).as("a second complete adds nothing").isNull();
    assertThat(buffer.isEnd(3)).isFalse();
    assertThat(buffer.isEnd(4)).isTrue();
    assertThat(buffer.failure()).as("fail after complete is ignored").isNull();
    assertThatThrownBy(() -> buffer.send(batch(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void completeWithoutALastResponse() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    assertThat(buffer.isEnd(1)).isFalse();

    buffer.complete(null);

    assertThat(buffer.isEnd(1)).isTrue();
    assertThat(buffer.get(1)).isNull();
  }

  @Test
  void failEndsTheStreamAfterTheBufferedResponses() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.send(batch(10));
    ErrorStatus error = ErrorStatus.of(ErrorStatus.INTERNAL, "boom");

    buffer.fail(error);
    buffer.fail(ErrorStatus.of(ErrorStatus.UNAVAILABLE, "second"));
    buffer.complete(null);

    assertThat(buffer.failure()).isSameAs(error);
    assertThat(buffer.get(1)).as("still readable").isNotNull();
    assertThat(buffer.isEnd(1)).isFalse();
    assertThat(buffer.isEnd(2)).isTrue();
    assertThat(buffer.get(2)).as("complete after fail adds nothing").isNull();
    assertThatThrownBy(() -> buffer.send(batch(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHeldResponseAndEverythingAfterItWaitForItsRelease() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    AtomicInteger calls = new AtomicInteger();
    buffer.attach(calls::incrementAndGet);
    buffer.send(batch(10));
    assertThat(buffer.sendHeld(batch(11))).isEqualTo(2);
    assertThat(buffer.sendHeld(batch(12))).isEqualTo(3);
    assertThat(buffer.offer(batch(13))).as("a progress report goes in behind them").isTrue();
    buffer.complete(batch(14));
    int toldBeforeRelease = calls.get();

    assertThat(buffer.get(1)).isNotNull();
    assertThat(buffer.get(2)).as("held").isNull();
    assertThat(buffer.get(4)).as("behind a held response").isNull();
    assertThat(buffer.isEnd(2)).isFalse();
    assertThat(buffer.heldBytes())
        .as("held responses count in what the operation holds")
        .isEqualTo(
            stampedSize(batch(10))
                + stampedSize(batch(11))
                + stampedSize(batch(12))
                + stampedSize(batch(13))
                + stampedSize(batch(14)));

    buffer.releaseHeld(2);
    assertThat(calls.get()).as("the sender is told").isGreaterThan(toldBeforeRelease);
    assertThat(buffer.get(2).response().getArrowBatch().getData().size()).isEqualTo(11);
    assertThat(buffer.get(3)).as("still held").isNull();

    buffer.releaseHeld(3);
    assertThat(buffer.get(3)).isNotNull();
    assertThat(buffer.get(4).response().getArrowBatch().getData().size()).isEqualTo(13);
    assertThat(buffer.get(5).response().getArrowBatch().getData().size()).isEqualTo(14);
    assertThat(buffer.isEnd(6)).isTrue();
  }

  @Test
  void aStreamHeldFromAPointShowsNothingFromThereUntilReleased() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    AtomicInteger calls = new AtomicInteger();
    buffer.attach(calls::incrementAndGet);
    buffer.send(batch(10));
    buffer.holdFromHere();
    buffer.send(batch(11));
    assertThat(buffer.offer(batch(12))).as("a progress report is held too").isTrue();
    buffer.complete(batch(13));
    int toldBeforeRelease = calls.get();

    assertThat(buffer.get(1)).isNotNull();
    assertThat(buffer.get(2)).as("held").isNull();
    assertThat(buffer.isEnd(2)).as("the end is held too").isFalse();

    buffer.releaseAll();
    assertThat(calls.get()).as("the sender is told").isGreaterThan(toldBeforeRelease);
    assertThat(buffer.get(2).response().getArrowBatch().getData().size()).isEqualTo(11);
    assertThat(buffer.get(4).response().getArrowBatch().getData().size()).isEqualTo(13);
    assertThat(buffer.isEnd(5)).isTrue();
  }

  @Test
  void anErrorDropsWhatIsHeldFromAPoint() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.holdFromHere();
    buffer.send(batch(11));
    buffer.send(batch(12));
    ErrorStatus refused = ErrorStatus.of(ErrorStatus.UNAVAILABLE, "retry later");
    buffer.fail(refused);

    assertThat(buffer.get(1)).as("dropped").isNull();
    assertThat(buffer.isEnd(1)).as("the client hears only the error").isTrue();
    assertThat(buffer.failure()).isEqualTo(refused);
    assertThat(buffer.heldBytes()).isZero();
  }

  @Test
  void heldResponsesTakeRoomAheadOfTheClient() throws Exception {
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(2 * size, UNBOUNDED);
    buffer.sendHeld(batch(1000));
    buffer.sendHeld(batch(1000));
    CompletableFuture<Long> third =
        CompletableFuture.supplyAsync(() -> buffer.sendHeld(batch(1000)));

    assertThat(catchThrowable(() -> third.get(200, TimeUnit.MILLISECONDS)))
        .as("the producer waits: held responses are not sent yet")
        .isInstanceOf(TimeoutException.class);
    buffer.releaseHeld(2);
    buffer.sent(2);
    assertThat(third.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void anErrorEndsTheStreamBeforeTheHeldResponses() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    buffer.send(batch(10));
    long before = buffer.heldBytes();
    buffer.sendHeld(batch(11));
    buffer.offer(batch(12));
    ErrorStatus error = ErrorStatus.of(ErrorStatus.INTERNAL, "boom");

    buffer.fail(error);

    assertThat(buffer.get(1)).isNotNull();
    assertThat(buffer.isEnd(2)).as("the error comes right after what could be sent").isTrue();
    assertThat(buffer.heldBytes()).as("the dropped responses hold nothing").isEqualTo(before);
    buffer.releaseHeld(3);
    assertThat(buffer.get(2)).isNull();
  }

  @Test
  void aStoppedProducerGetsTheReasonWhetherWaitingOrNot() throws Exception {
    long size = stampedSize(batch(1000));
    ResponseBuffer buffer = buffer(size, UNBOUNDED);
    buffer.sendHeld(batch(1000));
    CompletableFuture<Long> waiting =
        CompletableFuture.supplyAsync(() -> buffer.sendHeld(batch(1000)));
    IllegalStateException why = new IllegalStateException("not recorded");

    buffer.stopProducer(why);

    assertThat(catchThrowable(() -> waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS)))
        .hasCauseReference(why);
    assertThat(catchThrowable(() -> buffer.send(batch(1)))).isSameAs(why);
    assertThat(buffer.offer(batch(1))).isFalse();
  }

  @Test
  void listenerIsToldOfEveryResponseAndOfTheEndUntilDetached() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    AtomicInteger calls = new AtomicInteger();
    ResponseBuffer.Listener listener = calls::incrementAndGet;
    buffer.attach(listener);

    buffer.send(batch(10));
    buffer.send(batch(10));
    assertThat(calls.get()).isEqualTo(2);

    buffer.detach(() -> {});
    buffer.send(batch(10));
    assertThat(calls.get()).as("detaching another listener changes nothing").isEqualTo(3);

    buffer.detach(listener);
    buffer.send(batch(10));
    buffer.complete(null);
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void completeTellsTheListener() {
    ResponseBuffer buffer = buffer(UNBOUNDED, UNBOUNDED);
    AtomicInteger calls = new AtomicInteger();
    buffer.attach(calls::incrementAndGet);

    buffer.complete(null);

    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aBufferStartedLaterNumbersOnFromItsFirstIndex() {
    ResponseBuffer later =
        new ResponseBuffer(
            OPERATION,
            SESSION,
            SERVER_SESSION,
            new BufferLimits(UNBOUNDED, UNBOUNDED, new LongAdder()),
            5);
    List<Long> firstResults = new ArrayList<>();
    later.onFirstResult(firstResults::add);
    later.send(
        ExecutePlanResponse.newBuilder()
            .setSchema(DataType.newBuilder().setNull(DataType.NULL.getDefaultInstance()))
            .build());
    later.send(batch(10));
    later.send(batch(10));

    assertThat(later.get(5).response().getResponseId()).isEqualTo(ResponseIds.of(OPERATION, 5));
    assertThat(later.get(6).response().hasArrowBatch()).isTrue();
    assertThat(later.get(8)).isNull();
    assertThat(later.indexOf(ResponseIds.of(OPERATION, 4)))
        .as("the client's last response before")
        .isEqualTo(4);
    assertThat(firstResults).as("the first Arrow batch's index, told once").containsExactly(6L);
  }

  @Test
  void bytesFetchedForTheOperationCountWithTheBufferedOnesUntilHandedOver() {
    LongAdder heldByAll = new LongAdder();
    ResponseBuffer buffer =
        new ResponseBuffer(
            OPERATION, SESSION, SERVER_SESSION, new BufferLimits(UNBOUNDED, UNBOUNDED, heldByAll));
    buffer.holding(5000);
    assertThat(buffer.heldBytes()).isEqualTo(5000);
    assertThat(heldByAll.sum()).isEqualTo(5000);

    buffer.send(batch(1000));
    buffer.holding(-1000);
    long stamped = buffer.get(1).size();
    assertThat(buffer.heldBytes()).isEqualTo(4000 + stamped);
    assertThat(heldByAll.sum()).isEqualTo(4000 + stamped);

    buffer.holding(-4000);
    assertThat(buffer.heldBytes()).isEqualTo(stamped);
    assertThat(heldByAll.sum()).isEqualTo(stamped);
  }

  private static ResponseBuffer buffer(long aheadBytes, long retainBytes) {
    return new ResponseBuffer(
        OPERATION,
        SESSION,
        SERVER_SESSION,
        new BufferLimits(aheadBytes, retainBytes, new LongAdder()));
  }

  /** The size of {@code response} once the buffer has stamped its ids. */
  private static long stampedSize(ExecutePlanResponse response) {
    ResponseBuffer probe = buffer(UNBOUNDED, UNBOUNDED);
    probe.send(response);
    return probe.get(1).size();
  }

  private static String condition(Runnable call) {
    Throwable failure = SparkErrors.unwrap(catchThrowable(call::run));
    assertThat(failure).isInstanceOf(SparkThrowable.class);
    return ((SparkThrowable) failure).getCondition();
  }

  /** Sends responses from its own thread, as an operation's worker does. */
  private static final class Producer {
    final AtomicInteger sent = new AtomicInteger();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final Thread thread;

    Producer(ResponseBuffer buffer, List<ExecutePlanResponse> responses) {
      List<ExecutePlanResponse> copy = new ArrayList<>(responses);
      thread =
          new Thread(
              () -> {
                try {
                  for (ExecutePlanResponse response : copy) {
                    buffer.send(response);
                    sent.incrementAndGet();
                  }
                  done.complete(null);
                } catch (Throwable t) {
                  done.completeExceptionally(t);
                }
              },
              "producer");
      thread.setDaemon(true);
      thread.start();
    }

    /** What the producer failed with (bounded wait; null if it finished normally). */
    Throwable failure() throws Exception {
      return done.handle((ok, failure) -> failure).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Returns once the producer waits for room (bounded: fails after a while). */
    void awaitWaiting() {
      awaitWaitingAfter(-1);
    }

    /** Returns once the producer has sent {@code count} responses and waits for room. */
    void awaitWaitingAfter(int count) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (thread.getState() != Thread.State.WAITING || (count >= 0 && sent.get() != count)) {
        if (done.isDone()) {
          fail(
              "the producer finished ("
                  + done
                  + ") instead of waiting for room; sent "
                  + sent.get());
        }
        if (System.nanoTime() > deadline) {
          fail("the producer did not wait for room within " + WAIT + "; sent " + sent.get());
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
  }
}
