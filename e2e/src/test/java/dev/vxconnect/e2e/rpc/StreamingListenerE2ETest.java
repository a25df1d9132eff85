package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.RateStreams;
import dev.vxconnect.e2e.support.ServerTestBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.junit.jupiter.api.Test;

/**
 * A StreamingQueryListener of the client program receives the server's query events (progress,
 * termination) over the listener bus stream, and stops receiving them once removed.
 */
class StreamingListenerE2ETest extends ServerTestBase {

  private static final class Recorder extends StreamingQueryListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
      events.add("started " + event.name());
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      events.add("progress " + event.progress().name());
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      events.add("terminated " + event.id());
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void listenerReceivesProgressAndTermination() throws Exception {
    Recorder recorder = new Recorder();
    spark.streams().addListener(recorder);
    StreamingQuery query =
        RateStreams.rate(spark, 50).format("memory").queryName("listened").start();
    await(
        "a progress event",
        () -> recorder.events.stream().anyMatch(e -> e.equals("progress listened")));
    query.stop();
    await("the termination event", () -> recorder.events.contains("terminated " + query.id()));
    spark.streams().removeListener(recorder);
    int seen = recorder.events.size();
    StreamingQuery unheard = RateStreams.rate(spark).format("memory").queryName("unheard").start();
    unheard.processAllAvailable();
    unheard.stop();
    Thread.sleep(1000);
    assertThat(recorder.events).as("events after the listener was removed").hasSize(seen);
  }
}
