package dev.vxconnect.server.session;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.server.buffer.ResponseBuffer;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.ExecutePlanRequest;

/**
 * One execution: its request, its state, its response buffer, the worker thread running it and the
 * stream currently attached to it. Interrupting it marks it cancelled, cancels its Spark jobs and
 * interrupts its thread: Spark only cancels jobs running at that moment, so the planner also
 * checks {@link #isCancelled()} before it starts one. It lives beside {@link Session}, which holds
 * a session's operations; its state changes ({@code begin}, {@code succeed}, {@code finish}, progress)
 * are made by the execution package's {@code OperationRunner} alone.
 */
public final class Operation implements Cancellation {

  public enum State {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELED
  }

  /** A stream that delivers this operation's responses to a client. */
  public interface Attachment {
    /** Another stream took over; this one must end with INVALID_CURSOR.DISCONNECTED. */
    void disconnect();

    /** The client released the operation: this stream must end at once, read or not. */
    void released();
  }

  private final String id;
  private final Session session;
  private final ExecutePlanRequest request;
  private final boolean reattachable;
  private final Set<String> tags;
  private final ResponseBuffer buffer;
  private final Consumer<Operation> jobCanceller;
  private final long createdAtMs = System.currentTimeMillis();

  private State state = State.QUEUED;
  private boolean cancelled;
  private Thread worker;
  private Attachment attachment;
  private long detachedSinceMs = System.currentTimeMillis();
  private volatile long progressIntervalMs;
  private long lastProgressMs;

  /**
   * @param jobCanceller cancels the operation's Spark jobs; it must not block (it is called from
   *     event loops), so it hands the Spark call to a worker
   */
  public Operation(
      String id,
      Session session,
      ExecutePlanRequest request,
      boolean reattachable,
      ResponseBuffer buffer,
      Consumer<Operation> jobCanceller) {
    this.id = id;
    this.session = session;
    this.request = request;
    this.reattachable = reattachable;
    this.tags = Set.copyOf(request.getTagsList());
    this.buffer = buffer;
    this.jobCanceller = jobCanceller;
  }

  public String id() {
    return id;
  }

  public Session session() {
    return session;
  }

  public ExecutePlanRequest request() {
    return request;
  }

  public boolean reattachable() {
    return reattachable;
  }

  public Set<String> tags() {
    return tags;
  }

  public ResponseBuffer buffer() {
    return buffer;
  }

  public long createdAtMs() {
    return createdAtMs;
  }

  public synchronized State state() {
    return state;
  }

  @Override
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  public synchronized boolean isFinished() {
    return state != State.QUEUED && state != State.RUNNING;
  }

  /** Called by the worker that runs it; false if it was interrupted before it started. */
  public synchronized boolean begin(Thread thread) {
    if (cancelled) {
      return false;
    }
    state = State.RUNNING;
    worker = thread;
    return true;
  }

  /** Marks it succeeded unless an interrupt came first; false means it must report OPERATION_CANCELED. */
  public synchronized boolean succeed() {
    if (cancelled) {
      return false;
    }
    finish(State.SUCCEEDED);
    return true;
  }

  public synchronized void finish(State finalState) {
    state = finalState;
    worker = null;
  }

  /**
   * Interrupts it if it has not finished and was not interrupted already.
   *
   * @return true if this call interrupted it
   */
  public boolean interrupt() {
    synchronized (this) {
      if (isFinished() || cancelled) {
        return false;
      }
      cancelled = true;
      buffer.cancel();
      if (worker != null) {
        worker.interrupt();
      }
    }
    jobCanceller.accept(this);
    return true;
  }

  /** How often its progress is reported (0: never); set when it starts running. */
  public void progressInterval(long intervalMs) {
    this.progressIntervalMs = intervalMs;
  }

  /** Whether a progress report is due now (and, if so, notes that one is being sent). */
  public synchronized boolean progressDue(long nowMs) {
    if (state != State.RUNNING
        || progressIntervalMs <= 0
        || nowMs - lastProgressMs < progressIntervalMs) {
      return false;
    }
    lastProgressMs = nowMs;
    return true;
  }

  /** Attaches a stream, returning the one it replaces (to be disconnected), if any. */
  public synchronized Attachment attach(Attachment next) {
    Attachment previous = attachment;
    attachment = next;
    return previous;
  }

  /**
   * Ends the attached stream, if any, because the client released the operation (as Spark's
   * server interrupts the senders of a closed execution).
   */
  public void releaseStream() {
    Attachment current;
    synchronized (this) {
      current = attachment;
      attachment = null;
      detachedSinceMs = System.currentTimeMillis();
    }
    if (current != null) {
      current.released();
    }
  }

  /** Detaches {@code current} if it is still the attached stream. */
  public synchronized void detach(Attachment current) {
    if (attachment == current) {
      attachment = null;
      detachedSinceMs = System.currentTimeMillis();
    }
  }

  /** Since when no stream has been attached, or -1 if one is. */
  public synchronized long detachedSinceMs() {
    return attachment == null ? detachedSinceMs : -1;
  }
}
