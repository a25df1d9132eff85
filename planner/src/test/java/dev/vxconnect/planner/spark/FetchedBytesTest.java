package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.planner.ResponseSink;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;

class FetchedBytesTest {

  /** A sink that only keeps the account. */
  private static final class Account implements ResponseSink {
    final AtomicLong held = new AtomicLong();

    @Override
    public void send(ExecutePlanResponse response) {}

    @Override
    public void holding(long deltaBytes) {
      held.addAndGet(deltaBytes);
    }
  }

  @Test
  void partitionsAreCountedFromTheirArrivalUntilSent() {
    Account account = new Account();
    FetchedBytes fetched = new FetchedBytes(account);
    ArrowBatch a = new ArrowBatch(Chunks.of(new byte[100]), 1);
    ArrowBatch b = new ArrowBatch(Chunks.of(new byte[30]), 1);

    fetched.arrived(new ArrowBatch[] {a, b});
    assertThat(account.held).hasValue(130);
    fetched.sent(a);
    assertThat(account.held).hasValue(30);
    fetched.sent(b);
    assertThat(account.held).hasValue(0);
  }

  @Test
  void closingGivesBackWhatWasNotSentAndIgnoresLateArrivals() {
    Account account = new Account();
    FetchedBytes fetched = new FetchedBytes(account);
    ArrowBatch sent = new ArrowBatch(Chunks.of(new byte[100]), 1);
    fetched.arrived(new ArrowBatch[] {sent, new ArrowBatch(Chunks.of(new byte[50]), 1)});
    fetched.sent(sent);

    fetched.close();
    assertThat(account.held).as("the unsent partition, dropped by an interrupt").hasValue(0);

    // A partition of a cancelled job that Spark still hands over after the stream gave up.
    fetched.arrived(new ArrowBatch[] {new ArrowBatch(Chunks.of(new byte[70]), 1)});
    assertThat(account.held).hasValue(0);
  }
}
