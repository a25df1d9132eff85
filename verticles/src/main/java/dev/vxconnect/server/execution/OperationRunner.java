package dev.vxconnect.server.execution;

import com.google.protobuf.ByteString;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.proto.cluster.StateChange;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.StateRecorder;
import java.time.Duration;
import java.util.Map;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one operation on a worker thread, from start to its last response: the plan through the
 * planner into the operation's buffer, then ResultComplete (reattachable executions) or the end of
 * the stream, or the error, mapped as Spark's server maps it.
 */
final class OperationRunner implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

  /** Back-off suggested when the state database could not record a change. */
  private static final Duration STATE_RETRY_DELAY = Duration.ofSeconds(1);

  private static final ExecutePlanResponse RESULT_COMPLETE =
      ExecutePlanResponse.newBuilder()
          .setResultComplete(ExecutePlanResponse.ResultComplete.getDefaultInstance())
          .build();

  private final Operation operation;
  private final ResultStream results;
  private final StateRecorder recorder;
  private final SparkSlots slots;
  private final Runnable beforeStart;
  private final Runnable beforeCompletion;
  private final Runnable forget;

  /**
   * @param beforeStart runs before the plan does; what it throws fails the operation (waits until a
   *     command's record is in the cluster)
   * @param beforeCompletion runs once the operation ran to its end, before it shows as succeeded
   *     and before its client can hear it (records a command's outcome in the cluster)
   * @param forget runs when the operation is refused for its client to retry it (its change could
   *     not be recorded), before its client can hear it: the operation is forgotten, so that the
   *     client's retry, the same ExecutePlan, runs afresh
   */
  OperationRunner(
      Operation operation,
      ResultStream results,
      StateRecorder recorder,
      SparkSlots slots,
      Runnable beforeStart,
      Runnable beforeCompletion,
      Runnable forget) {
    this.operation = operation;
    this.results = results;
    this.recorder = recorder;
    this.slots = slots;
    this.beforeStart = beforeStart;
    this.beforeCompletion = beforeCompletion;
    this.forget = forget;
  }

  @Override
  public void run() {
    SessionContext context = operation.session().context();
    SparkSlots.Slot slot = null;
    try {
      // The thread is registered first, so that an interrupt also reaches an operation that is
      // still waiting for a Spark slot.
      if (!operation.begin(Thread.currentThread())) {
        cancelled(context);
        return;
      }
      beforeStart.run();
      slot = slots.take();
      operation.buffer().producerSlot(slot);
      operation.progressInterval(Math.max(0, context.progressInterval().toMillis()));
      boolean changesState = context.changesSessionState(operation.request());
      if (changesState) {
        // Its client hears of it once its change is recorded, or only that it was refused.
        operation.buffer().holdFromHere();
      }
      long started = System.nanoTime();
      ExecutePlanRequest request =
          operation.session().streamingQueries().forThisRun(operation.request());
      ResponseSink sink =
          StreamingQueryTracking.concerns(request)
              ? new StreamingQueryTracking(
                  results, operation.session(), request, request != operation.request(), recorder)
              : results;
      context.execute(request, sink, operation);
      LogIds.of(LOG.atInfo(), operation)
          .log(
              "Operation {} of session {} ran in {} ms",
              operation.id(),
              operation.session().sessionId(),
              (System.nanoTime() - started) / 1_000_000);
      if (changesState) {
        // Stored before the client hears that it completed, so a takeover keeps it.
        try {
          ClusterWrites.await(
              recorder.record(
                  operation.session(),
                  StateChange.newBuilder()
                      .setKind(StateChange.Kind.EXECUTE_PLAN)
                      .setRequest(ByteString.copyFrom(operation.request().toByteArray()))
                      .build()));
        } catch (Exception notRecorded) {
          notRecorded(context, notRecorded);
          return;
        }
        operation.buffer().releaseAll();
      }
      results.checkComplete();
      // The outcome is stored before the operation shows as succeeded anywhere (admin pages,
      // listings) and before its client hears it: an instance lost right after that still leaves
      // a record saying it completed. An interrupt that lands after the record finds a command that
      // did run to its end, which is what the record says.
      if (!operation.isCancelled()) {
        beforeCompletion.run();
      }
      if (operation.succeed()) {
        operation.buffer().complete(operation.reattachable() ? RESULT_COMPLETE : null);
      } else {
        cancelled(context);
      }
    } catch (Throwable failure) {
      // Any other end is heard as Spark's server tells it: what the command sent, then the error.
      operation.buffer().releaseAll();
      // A session closed under its operation (Spark then refuses the operation's events with
      // IllegalStateException): the close interrupts its operations, so it ends as one.
      if (operation.isCancelled() || operation.session().isClosed()) {
        cancelled(context);
      } else {
        fail(context, failure);
      }
    } finally {
      if (slot != null) {
        slot.release();
      }
      // The thread goes back to the pool: clear an interrupt aimed at this operation.
      Thread.interrupted();
    }
  }

  /**
   * The command ran in the session's Spark state but its change could not be recorded. The session
   * is dropped here (its next call rebuilds it from its record, without the change), so the command
   * had no effect, and its client has seen none of its responses. When the cause passes (the state
   * database is lost), the client is told to retry later (UNAVAILABLE + RetryInfo): the official
   * clients then reattach, and the operation is forgotten first, so that the reattach finds no
   * operation and the client sends the same ExecutePlan again, which runs afresh. Any other cause
   * is final, as before.
   */
  private void notRecorded(SessionContext context, Exception notRecorded) {
    if (Failures.stateUnavailable(notRecorded, STATE_RETRY_DELAY).isPresent()) {
      forget.run();
      recorder.discard(operation.session(), notRecorded);
      fail(context, notRecorded);
    } else {
      // Failed before the drop, so that the drop does not interrupt it.
      fail(context, notRecorded);
      recorder.discard(operation.session(), notRecorded);
    }
  }

  private void fail(SessionContext context, Throwable failure) {
    LogIds.of(LOG.atInfo(), operation)
        .log(
            "Operation {} of session {} failed: {}",
            operation.id(),
            operation.session().sessionId(),
            failure.toString());
    ErrorStatus status =
        Failures.stateUnavailable(failure, STATE_RETRY_DELAY)
            .orElseGet(() -> context.toErrorStatus(failure));
    operation.finish(Operation.State.FAILED);
    operation.buffer().fail(status);
  }

  private void cancelled(SessionContext context) {
    operation.finish(Operation.State.CANCELED);
    operation
        .buffer()
        .fail(context.toErrorStatus(SparkErrors.error("OPERATION_CANCELED", Map.of())));
  }
}
