package dev.vxconnect.server.session;

import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.server.config.SessionOptions;
import io.vertx.core.WorkerExecutor;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hibernates the sessions unused for {@code vxconnect.session.hibernateAfter} that run nothing and
 * hold nothing only memory can hold ({@link SessionContext#heldOnlyHere}): their Spark side is
 * released and their record stays, with their last use, so that their next call rebuilds them (as
 * a takeover does, see SessionManager) and they expire a session timeout after that use ({@link
 * OrphanedSessions}).
 */
final class Hibernation {

  /** Takes a session out of those served here if it is still the one served and the check agrees. */
  interface Release {
    boolean ifCurrent(Session session, BooleanSupplier check);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Hibernation.class);

  private final SessionOptions options;
  private final WorkerExecutor releasePool;
  private final SessionStore records;
  private final Release release;
  private final LongAdder hibernations = new LongAdder();
  private final LongAdder wakes = new LongAdder();

  /** Set while a pass runs. */
  private final AtomicBoolean running = new AtomicBoolean();

  Hibernation(
      SessionOptions options, WorkerExecutor releasePool, SessionStore records, Release release) {
    this.options = options;
    this.releasePool = releasePool;
    this.records = records;
    this.release = release;
  }

  /** One pass over the sessions up here; its checks and releases run on the release pool. */
  void pass(Collection<Session> live) {
    if (!options.hibernates() || running.get()) {
      return;
    }
    long cutoff = System.currentTimeMillis() - options.hibernateAfter().toMillis();
    List<Session> idle =
        live.stream()
            .filter(
                s ->
                    s.lastAccessMs() < cutoff
                        && s.operations().isEmpty()
                        && !s.holdsUnkeptArtifact())
            .toList();
    if (idle.isEmpty() || !running.compareAndSet(false, true)) {
      return;
    }
    // One pass at a time: the next timer tick may come while this one still closes sessions.
    releasePool
        .executeBlocking(
            () -> {
              idle.forEach(session -> hibernate(session, cutoff));
              return null;
            },
            false)
        .onComplete(done -> running.set(false));
  }

  /** Releases one idle session's Spark side, keeping its record. Blocks: on the release pool. */
  private void hibernate(Session session, long cutoff) {
    Optional<String> held;
    try {
      held = session.context().heldOnlyHere();
    } catch (RuntimeException e) {
      held = Optional.of("state that could not be inspected (" + e + ")");
    }
    if (held.isPresent()) {
      LogIds.of(LOG.atDebug(), session)
          .log("Session {} stays up while idle: it holds {}", session.sessionId(), held.get());
      return;
    }
    if (!release.ifCurrent(session, () -> session.hibernateIfIdleSince(cutoff))) {
      return; // used, closed or replaced meanwhile
    }
    hibernations.increment();
    session
        .withRecord(
            record -> record.toBuilder().setLastAccessMs(session.lastAccessMs()).build(),
            records::update)
        .onFailure(
            e ->
                LogIds.of(LOG.atWarn(), session)
                    .log(
                        "Session {}: could not write its last use before hibernating: {}",
                        session.sessionId(),
                        e.toString()));
    LogIds.of(LOG.atInfo(), session)
        .log(
            "Session {} of user {} hibernated after {} idle ({} changes recorded)",
            session.sessionId(),
            session.userId(),
            options.hibernateAfter(),
            session.record().getChangesCount());
    session.context().close();
  }

  /** A hibernated session is being rebuilt from its record. */
  void woke() {
    wakes.increment();
  }

  long hibernations() {
    return hibernations.sum();
  }

  long wakes() {
    return wakes.sum();
  }
}
