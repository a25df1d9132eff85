package dev.vxconnect.planner.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.connect.service.ExecuteEventsManager;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.ExecuteStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's operation events on Spark's listener bus, in the order Spark's own Connect server
 * posts them: started when the operation begins, analyzed and ready for execution from the
 * planning tracker, finished by Spark's planner or our result streamer, failed or canceled when it
 * ends with an error, and closed once the operation is both ended and released by the server
 * (its client is done with it), as Spark posts it when it removes an execution. The Spark UI's
 * Connect tab and event logs are built from these events.
 *
 * <p>Posting only enqueues on the listener bus, so {@link #released} may be called from an event
 * loop. An event Spark's state machine refuses (e.g. one that arrives after the session closed)
 * is dropped: the operation's outcome never depends on its events.
 */
final class OperationEvents {

  private static final Logger LOG = LoggerFactory.getLogger(OperationEvents.class);

  /** Operations that started and are not closed yet, by operation id. */
  private final Map<String, Entry> open = new ConcurrentHashMap<>();

  /** Posts the operation's started event; every other event of it follows through this object. */
  void started(ExecuteHolder holder) {
    holder.eventsManager().postStarted();
    open.put(holder.operationId(), new Entry(holder.eventsManager()));
  }

  /**
   * The operation's run ended: posts finished (when the planner did not), failed or canceled,
   * and closed if the server already released it.
   *
   * @param failure what the run threw, or null when it completed
   * @param cancelled whether it was interrupted (its failure then counts as canceled, as in Spark;
   *     a run that completed despite a late interrupt finished)
   */
  void ended(String operationId, Throwable failure, boolean cancelled) {
    Entry entry = open.get(operationId);
    if (entry == null) {
      return;
    }
    synchronized (entry) {
      entry.ended = true;
      post(operationId, () -> entry.end(failure, cancelled));
      if (entry.released) {
        close(operationId, entry);
      }
    }
  }

  /** The server released the operation: closed now if its run ended, else when it ends. */
  void released(String operationId) {
    Entry entry = open.get(operationId);
    if (entry == null) {
      return;
    }
    synchronized (entry) {
      entry.released = true;
      if (entry.ended) {
        close(operationId, entry);
      }
    }
  }

  /** Closes every ended operation before the session's closed event (which must come last). */
  void closeAll() {
    open.forEach(
        (operationId, entry) -> {
          synchronized (entry) {
            if (entry.ended) {
              close(operationId, entry);
            }
          }
        });
    open.clear();
  }

  private void close(String operationId, Entry entry) {
    open.remove(operationId, entry);
    post(operationId, entry.events::postClosed);
  }

  /** Posts an operation's event, unless Spark refuses it as out of its order (logged). */
  static void post(String operationId, Runnable event) {
    try {
      event.run();
    } catch (IllegalStateException e) {
      // Spark refuses events out of its order, e.g. of an operation still running when its
      // session closed; the UI then shows it as the last event left it.
      LOG.debug("Operation {}: event not posted: {}", operationId, e.getMessage());
    }
  }

  private static final class Entry {
    final ExecuteEventsManager events;
    boolean ended;
    boolean released;

    Entry(ExecuteEventsManager events) {
      this.events = events;
    }

    void end(Throwable failure, boolean cancelled) {
      ExecuteStatus status = events.status();
      if (failure == null) {
        // Commands Spark's planner does not run (ours) and plans that never reach execution end
        // here without a finished event.
        if (status == ExecuteStatus.Analyzed$.MODULE$) {
          events.postReadyForExecution();
        }
        if (events.status() != ExecuteStatus.Finished$.MODULE$) {
          events.postFinished(scala.Option.empty(), ScalaMaps.empty());
        }
      } else if (cancelled) {
        events.postCanceled();
      } else {
        events.postFailed(message(failure));
      }
    }

    private static String message(Throwable failure) {
      String message = failure.getMessage();
      return message != null ? message : failure.getClass().getName();
    }
  }
}
