package dev.vxconnect.server.buffer;

/**
 * Where one result stream stands in its operation's buffer, how much of its budget it has used,
 * and what it must do next. Kept apart from the wire so that the order of the decisions, which is
 * what keeps a stream from hanging, is a pure function of the buffer's state.
 *
 * <p>Not thread-safe: one stream's event loop owns it.
 */
public final class StreamCursor {

  /** What the stream does next. */
  public enum Step {
    /** The response at the cursor is there and the stream may take it: {@link #take()}. */
    SEND,
    /** Every response was sent and the operation is over: end the stream with its outcome. */
    END,
    /** The budget is used and responses are still to come: end the stream; the client reattaches. */
    CUT,
    /** The client is behind (the write queue is full): wait for the stream to drain. */
    AWAIT_CLIENT,
    /** Nothing new yet: the buffer's listener is told when there is. */
    AWAIT_RESULTS
  }

  private final ResponseBuffer buffer;
  private final long maxBytes;
  private long next;
  private long bytesSent;
  private boolean deadlinePassed;

  /**
   * @param next the index of the first response this stream sends
   * @param maxBytes the size budget: once more than this was sent, the stream is cut
   */
  public StreamCursor(ResponseBuffer buffer, long next, long maxBytes) {
    this.buffer = buffer;
    this.next = next;
    this.maxBytes = maxBytes;
  }

  /**
   * What to do now. The end of the operation is checked before the budget, as Spark's
   * ExecuteGrpcResponseSender does: a stream whose budget runs out just as its operation ends must
   * end with the operation's outcome. Cut instead, it would wait for a response that never comes
   * (nothing wakes a stream once the buffer is complete), holding the client's call open: an error
   * never reaches it, and a stream left open after ResultComplete counts against the connection's
   * concurrent streams until the client's next call cannot start.
   *
   * @param writeQueueFull whether the client's write queue is full now
   * @throws RuntimeException INVALID_CURSOR.POSITION_NOT_AVAILABLE if the next response was
   *     released already
   */
  public Step step(boolean writeQueueFull) {
    if (buffer.isEnd(next)) {
      return Step.END;
    }
    if (budgetSpent()) {
      return Step.CUT;
    }
    if (writeQueueFull) {
      return Step.AWAIT_CLIENT;
    }
    return buffer.get(next) == null ? Step.AWAIT_RESULTS : Step.SEND;
  }

  /** The next response, marked sent and counted against the budget; after {@link Step#SEND}. */
  public ResponseBuffer.Entry take() {
    ResponseBuffer.Entry entry = buffer.get(next);
    if (entry == null) {
      throw new IllegalStateException("no response " + next + " to take");
    }
    buffer.sent(next);
    bytesSent += entry.size();
    next++;
    return entry;
  }

  /** The stream's time is up: it is cut at the next step unless it is at its end. */
  public void deadlinePassed() {
    deadlinePassed = true;
  }

  /** Why the budget is spent, for the log. */
  public String budgetSpentBy() {
    return deadlinePassed ? "its time" : "its size";
  }

  /** The index of the next response to send. */
  public long next() {
    return next;
  }

  public long bytesSent() {
    return bytesSent;
  }

  /** As Spark's senderMaxStreamSize: the response that goes over the size is still sent. */
  private boolean budgetSpent() {
    return deadlinePassed || bytesSent > maxBytes;
  }
}
