package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.buffer.ResponseBuffer;
import dev.vxconnect.server.buffer.StreamCursor;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.session.Operation;
import io.vertx.core.Context;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains an operation's buffer into one gRPC stream, on the stream's event loop, as fast as the
 * client reads: it writes while the stream's write queue has room and waits for its drain handler
 * otherwise. Responses it has written are marked sent, which frees buffer room for the producer.
 * A reattachable stream is cut after its {@link StreamLimits} (the client reattaches and goes on),
 * unless every response was sent and the operation is over: then it ends with the operation's
 * outcome, whatever its budget ({@link StreamCursor} decides).
 */
public final class ResponseSender implements ResponseBuffer.Listener, Operation.Attachment {

  private static final Logger LOG = LoggerFactory.getLogger(ResponseSender.class);

  private final Context context;
  private final GrpcServerResponse<?, ExecutePlanResponse> response;
  private final Operation operation;
  private final ResponseBuffer buffer;
  private final StreamCursor cursor;
  private final StreamLimits limits;
  private final Failures failures;
  private final Consumer<ResponseSender> onEnd;
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private long cutTimer = -1;
  private boolean ended;

  /** The client released the operation: the stream is reset, never ended gracefully. */
  private volatile boolean released;

  private ResponseSender(
      Context context,
      GrpcServerResponse<?, ExecutePlanResponse> response,
      Operation operation,
      long firstIndex,
      StreamLimits limits,
      Failures failures,
      Consumer<ResponseSender> onEnd) {
    this.context = context;
    this.response = response;
    this.operation = operation;
    this.buffer = operation.buffer();
    this.limits = limits;
    this.failures = failures;
    this.onEnd = onEnd;
    this.cursor = new StreamCursor(buffer, firstIndex, limits.maxBytes());
  }

  /**
   * Streams {@code operation} to {@code call} from response {@code firstIndex} on (1 for a new
   * stream), attaching to the operation (an earlier stream is disconnected) and noticing when the
   * client goes away. Call it on the call's event loop.
   *
   * @param onEnd called on the event loop once the stream has ended, whatever the reason
   */
  public static void stream(
      GrpcServerRequest<?, ExecutePlanResponse> call,
      Context context,
      Operation operation,
      long firstIndex,
      StreamLimits limits,
      Failures failures,
      Consumer<ResponseSender> onEnd) {
    ResponseSender sender =
        new ResponseSender(
            context,
            call.response(),
            operation,
            firstIndex,
            operation.reattachable() ? limits : StreamLimits.NONE,
            failures,
            onEnd);
    // A reset stream reaches the request's handlers; a closed connection only the response's.
    call.exceptionHandler(e -> sender.clientGone());
    call.errorHandler(e -> sender.clientGone());
    call.response().exceptionHandler(e -> sender.clientGone());
    sender.start();
  }

  private void start() {
    Operation.Attachment previous = operation.attach(this);
    if (previous != null) {
      previous.disconnect();
    }
    response.drainHandler(v -> pump());
    buffer.attach(this);
    if (limits.cuts()) {
      cutTimer =
          context
              .owner()
              .setTimer(
                  limits.maxDuration().toMillis(),
                  id -> {
                    cursor.deadlinePassed();
                    pump();
                  });
    }
    pump();
  }

  /** The client went away (cancelled or reset the stream, or the connection closed). */
  private void clientGone() {
    if (!ended) {
      LogIds.of(LOG.atInfo(), operation)
          .log("Operation {}: client stream gone at response {}", operation.id(), cursor.next());
      end();
    }
  }

  @Override
  public void onAvailable() {
    if (pumpScheduled.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            pumpScheduled.set(false);
            pump();
          });
    }
  }

  @Override
  public void disconnect() {
    context.runOnContext(
        v -> {
          if (!ended) {
            fail(
                operation
                    .session()
                    .context()
                    .toErrorStatus(SparkErrors.error("INVALID_CURSOR.DISCONNECTED", Map.of())));
          }
        });
  }

  /**
   * Resets the stream rather than ending it: a client that released the operation before its end
   * (a closed iterator) reads this stream no more, and a graceful end would wait behind the
   * responses already in flight. Until the stream closes, those unread bytes hold the client's
   * connection-wide flow-control window, and a few such streams stop every call of the connection.
   */
  @Override
  public void released() {
    // Set at once, before the release interrupts the operation: a pump that sees the operation's
    // end (its cancellation) resets the stream too, instead of ending it gracefully behind
    // responses the client does not read (vert.x cannot reset a stream once its trailers are
    // written).
    released = true;
    context.runOnContext(v -> reset());
  }

  private void reset() {
    if (!ended) {
      LogIds.of(LOG.atInfo(), operation)
          .log(
              "Operation {}: released by its client while streaming; stream reset at response {}",
              operation.id(),
              cursor.next());
      end();
      response.cancel();
    }
  }

  private void pump() {
    if (ended) {
      return;
    }
    if (released) {
      reset();
      return;
    }
    try {
      while (true) {
        switch (cursor.step(response.writeQueueFull())) {
          case SEND -> response.write(cursor.take().response());
          case END -> {
            finish();
            return;
          }
          case CUT -> {
            cut();
            return;
          }
          case AWAIT_CLIENT, AWAIT_RESULTS -> {
            // The drain handler, or the buffer's listener, pumps again.
            return;
          }
        }
      }
    } catch (RuntimeException e) {
      fail(failures.toStatus(e, operation.session().context()));
    }
  }

  /** Ends a reattachable stream early, without ResultComplete: the client reattaches. */
  private void cut() {
    LogIds.of(LOG.atInfo(), operation)
        .log(
            "Operation {}: stream cut after {} bytes ({}); the client reattaches at response {}",
            operation.id(),
            cursor.bytesSent(),
            cursor.budgetSpentBy(),
            cursor.next());
    end();
    response.end();
  }

  private void finish() {
    ErrorStatus failure = buffer.failure();
    if (failure != null) {
      fail(failure);
    } else {
      end();
      response.end();
    }
  }

  private void fail(ErrorStatus status) {
    end();
    failures.send(response, status);
  }

  private void end() {
    ended = true;
    if (cutTimer >= 0) {
      context.owner().cancelTimer(cutTimer);
    }
    buffer.detach(this);
    operation.detach(this);
    onEnd.accept(this);
  }
}
