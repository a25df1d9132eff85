package dev.vxconnect.server.execution;

import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.Session;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Puts ExecutionProgress responses (stages, tasks done, bytes read) into the streams of running
 * operations at each one's report interval, when something changed, as Spark's server does. A
 * report never waits for room: when the client is behind, it is skipped.
 */
public final class ProgressReporter implements Runnable {

  private final Supplier<Collection<Session>> sessions;

  public ProgressReporter(Supplier<Collection<Session>> sessions) {
    this.sessions = sessions;
  }

  @Override
  public void run() {
    long now = System.currentTimeMillis();
    for (Session session : sessions.get()) {
      for (Operation op : session.operations()) {
        if (op.progressDue(now)) {
          session.context().progress(op.id(), false).ifPresent(op.buffer()::offer);
        }
      }
    }
  }
}
