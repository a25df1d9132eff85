package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.SparkErrors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A session's executions and analyses in progress, and whether it is closing (the one mark that
 * refuses its new work, adds and clones included), so that its close can wait for them before it
 * deletes the session's artifacts. Its running tasks alone are not enough: an execution the close
 * interrupted may still start a job (its next stage, its next partition) after the close found no
 * task running, and those tasks fetch the session's files from the driver's file server (see
 * {@link LocalExecutorSessions#awaitNoTasksOf}).
 */
final class WorkInProgress {

  private final String sessionId;
  private int running;
  private boolean closed;

  WorkInProgress(String sessionId) {
    this.sessionId = sessionId;
  }

  /** Counts a piece of work in; INVALID_HANDLE.SESSION_CLOSED once the session is closing. */
  synchronized void begin() {
    refuseIfClosed();
    running++;
  }

  /** INVALID_HANDLE.SESSION_CLOSED once the session is closing, for work that is not counted. */
  synchronized void refuseIfClosed() {
    if (closed) {
      throw SparkErrors.invalidHandle("SESSION_CLOSED", sessionId);
    }
  }

  /** Refuses new work from now on. */
  synchronized void close() {
    closed = true;
  }

  /** Counts a piece of work out; call once for each {@link #begin} that returned. */
  synchronized void end() {
    running--;
    if (running == 0) {
      notifyAll();
    }
  }

  /** Refuses new work from now on and waits, at most {@code timeout}, until none runs; whether none does. */
  synchronized boolean closeAndAwait(Duration timeout) throws InterruptedException {
    close();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
