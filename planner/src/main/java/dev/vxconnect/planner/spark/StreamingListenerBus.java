package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.SparkErrors;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.StreamingQueryListenerBusCommand;
import org.apache.spark.connect.proto.StreamingQueryListenerEventsResult;
import org.apache.spark.sql.connect.service.ServerSideListenerHolder;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SparkConnectListenerBusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.connect.grpc.stub.StreamObserver;

/**
 * Streaming query listener events for a client that added a listener (StreamingQueryListenerBus
 * commands). The "add" operation stays open and carries the session's events until a "remove"
 * operation (or an interrupt, or the session's end) closes it, as with Spark's server. Spark's own
 * listener writes events from its listener bus thread, which must never block: they go through a
 * bounded queue that the add operation's thread drains into its (possibly waiting) sink.
 */
final class StreamingListenerBus {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingListenerBus.class);
  private static final int MAX_QUEUED_EVENTS = 10_000;

  private final SessionHolder session;
  private final AtomicReference<Relay> open = new AtomicReference<>();

  StreamingListenerBus(SessionHolder session) {
    this.session = session;
  }

  /** Runs one listener bus command on the calling (worker) thread. */
  void run(StreamingQueryListenerBusCommand command, ResponseSink sink, Cancellation cancellation) {
    switch (command.getCommandCase()) {
      case ADD_LISTENER_BUS_LISTENER -> add(sink, cancellation);
      case REMOVE_LISTENER_BUS_LISTENER -> close();
      default ->
          throw SparkErrors.raise(
              "INVALID_PARAMETER_VALUE.STREAMING_LISTENER_COMMAND_MISSING",
              Map.of("parameter", "command", "functionName", "StreamingQueryListenerBusCommand"));
    }
  }

  /** Whether a client's "add listener" call is open (its events are relayed as they come). */
  boolean isOpen() {
    return open.get() != null;
  }

  /** Removes the listener and ends the add operation, if one is open. */
  void close() {
    Relay relay = open.getAndSet(null);
    if (relay == null) {
      return;
    }
    ServerSideListenerHolder holder = session.streamingServersideListenerHolder();
    SparkConnectListenerBusListener listener =
        holder.streamingQueryServerSideListener().getAndSet(null);
    if (listener != null) {
      session.session().streams().removeListener(listener);
    }
    holder.streamingQueryStartedEventCache().clear();
    relay.close();
  }

  private void add(ResponseSink sink, Cancellation cancellation) {
    Relay relay = new Relay();
    if (!open.compareAndSet(null, relay)) {
      LOG.warn(
          "Session {}: a listener bus listener is already open; ignoring another",
          session.sessionId());
      return;
    }
    // Spark's listener (which also caches query-started events for WriteStreamOperationStart).
    session.streamingServersideListenerHolder().init(relay);
    sink.send(
        ExecutePlanResponse.newBuilder()
            .setStreamingQueryListenerEventsResult(
                StreamingQueryListenerEventsResult.newBuilder().setListenerBusListenerAdded(true))
            .build());
    try {
      relay.drainInto(sink, cancellation);
    } finally {
      if (open.get() == relay) {
        close();
      }
    }
  }

  /** Spark's listener writes here; the add operation's thread reads. */
  private static final class Relay implements StreamObserver<ExecutePlanResponse> {
    private final BlockingQueue<ExecutePlanResponse> events =
        new LinkedBlockingQueue<>(MAX_QUEUED_EVENTS);
    private volatile boolean closed;

    @Override
    public void onNext(ExecutePlanResponse event) {
      if (!events.offer(event)) {
        LOG.warn("Dropping a streaming listener event: the client reads them too slowly");
      }
    }

    @Override
    public void onError(Throwable failure) {
      close();
    }

    @Override
    public void onCompleted() {
      close();
    }

    void close() {
      closed = true;
    }

    void drainInto(ResponseSink sink, Cancellation cancellation) {
      try {
        while (!closed || !events.isEmpty()) {
          if (cancellation.isCancelled()) {
            throw new CancellationException("listener bus operation interrupted");
          }
          ExecutePlanResponse event = events.poll(200, TimeUnit.MILLISECONDS);
          if (event != null) {
            sink.send(event);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("listener bus operation interrupted");
      }
    }
  }
}
