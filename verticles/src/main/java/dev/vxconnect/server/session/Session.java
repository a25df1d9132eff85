package dev.vxconnect.server.session;

import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One live session on this instance: its ids, its Spark side, its operations, and the ids of its
 * recently finished operations (so a client that retries a finished operation is not served twice).
 */
public final class Session {

  private static final int FINISHED_IDS_KEPT = 10_000;

  private final SessionKey key;
  private final SessionContext context;
  private final StreamingQueries streamingQueries = new StreamingQueries();
  private final Map<String, Operation> operations = new ConcurrentHashMap<>();
  private final long finishedIdsTtlMs;
  private final LinkedHashMap<String, Long> finishedIds = new LinkedHashMap<>();
  private final long createdAtMs = System.currentTimeMillis();
  private volatile long lastAccessMs = createdAtMs;
  private volatile boolean closed;

  /**
   * Released while idle ({@link #hibernateIfIdleSince}): its next call rebuilds it. Written under
   * the session's lock (with {@link #touch}), read without it on every lookup.
   */
  private volatile boolean hibernated;

  /** Whether an artifact was added whose bytes were not kept: only this Spark side has it. */
  private volatile boolean holdsUnkeptArtifact;

  /** When this instance rebuilt the session from its record (0: it opened it). */
  private volatile long rebuiltAtMs;

  /** Bytes of the artifacts added to this session on this instance. */
  private final AtomicLong artifactBytes = new AtomicLong();

  /** The session as the cluster knows it; changed only through {@link #withRecord}. */
  private SessionRecord record;

  /** The last write of the record, so writes reach the store in order. */
  private Future<Void> lastWrite = Future.succeededFuture();

  public Session(
      SessionKey key, SessionRecord record, SessionContext context, long finishedIdsTtlMs) {
    this.key = key;
    this.record = record;
    this.context = context;
    this.finishedIdsTtlMs = finishedIdsTtlMs;
  }

  /** Bytes of the artifacts added to this session (on this instance). */
  public long artifactBytes() {
    return artifactBytes.get();
  }

  /** Counts {@code bytes} more artifact bytes unless the total would pass {@code limit}; whether it did. */
  public boolean reserveArtifactBytes(long bytes, long limit) {
    long held;
    do {
      held = artifactBytes.get();
      if (held + bytes > limit) {
        return false;
      }
    } while (!artifactBytes.compareAndSet(held, held + bytes));
    return true;
  }

  /** Gives back bytes counted by {@link #reserveArtifactBytes} for artifacts that were not added. */
  public void releaseArtifactBytes(long bytes) {
    artifactBytes.addAndGet(-bytes);
  }

  public SessionKey key() {
    return key;
  }

  public String userId() {
    return key.userId();
  }

  public String sessionId() {
    return key.sessionId();
  }

  /** Ours, created once per session and kept across failover; the client checks it never changes. */
  public String serverSideSessionId() {
    return record().getServerSideSessionId();
  }

  public synchronized SessionRecord record() {
    return record;
  }

  /**
   * The store now holds {@code next} in place of {@code expected} (a refresh of its last access
   * written by compare-and-set): taken as the session's record unless it changed meanwhile.
   */
  synchronized void refreshed(SessionRecord expected, SessionRecord next) {
    if (record.equals(expected)) {
      record = next;
    }
  }

  /**
   * Changes the record with {@code change} and writes it with {@code write}, after every earlier
   * write: the returned future completes once it is stored. A change that returns the record as it
   * was writes nothing.
   */
  synchronized Future<Void> withRecord(
      UnaryOperator<SessionRecord> change, Function<SessionRecord, Future<Void>> write) {
    SessionRecord changed = change.apply(record);
    if (changed.equals(record)) {
      return lastWrite.transform(previous -> Future.succeededFuture());
    }
    record = changed;
    SessionRecord next = record;
    lastWrite = lastWrite.transform(previous -> write.apply(next));
    return lastWrite;
  }

  public SessionContext context() {
    return context;
  }

  /** The streaming queries of the session's previous instance that this one started again, or lost. */
  public StreamingQueries streamingQueries() {
    return streamingQueries;
  }

  /**
   * Marks the session used now; false if it was hibernated meanwhile (the caller must rebuild it).
   * Synchronized with {@link #hibernateIfIdleSince}: a call either sees the session hibernated or
   * keeps it awake.
   */
  public synchronized boolean touch() {
    if (hibernated) {
      return false;
    }
    lastAccessMs = System.currentTimeMillis();
    return true;
  }

  /**
   * Takes the session out of service if nobody used it since {@code cutoffMs} and it is not
   * closed; whether it did. From then on {@link #touch} fails.
   */
  synchronized boolean hibernateIfIdleSince(long cutoffMs) {
    if (closed || hibernated || lastAccessMs >= cutoffMs) {
      return false;
    }
    hibernated = true;
    return true;
  }

  public boolean isHibernated() {
    return hibernated;
  }

  /** An artifact whose bytes are not kept anywhere else was added: the session must stay up. */
  public void heldUnkeptArtifact() {
    holdsUnkeptArtifact = true;
  }

  /** Whether the session has an artifact only its Spark side holds (see {@link #heldUnkeptArtifact}). */
  public boolean holdsUnkeptArtifact() {
    return holdsUnkeptArtifact;
  }

  /**
   * Marks the session as rebuilt here from its record (taken over, or after a restart): the
   * operations of its previous owner may still be asked for.
   */
  void markRebuilt() {
    rebuiltAtMs = System.currentTimeMillis();
  }

  /** Whether this instance rebuilt the session from its record within the last {@code ms}. */
  public boolean rebuiltWithin(long ms) {
    long at = rebuiltAtMs;
    return at > 0 && System.currentTimeMillis() - at < ms;
  }

  /** When this instance opened (or rebuilt) the session. */
  public long createdAtMs() {
    return createdAtMs;
  }

  public long lastAccessMs() {
    return lastAccessMs;
  }

  public boolean isClosed() {
    return closed;
  }

  void markClosed() {
    closed = true;
  }

  // ---- operations ----

  /** Registers a new operation; false if one with the same id is already registered. */
  public boolean addOperation(Operation operation) {
    return operations.putIfAbsent(operation.id(), operation) == null;
  }

  public Optional<Operation> operation(String operationId) {
    return Optional.ofNullable(operations.get(operationId));
  }

  public Collection<Operation> operations() {
    return operations.values();
  }

  /** Forgets a finished (or released) operation, remembering its id for a while. */
  public void removeOperation(Operation operation) {
    if (operations.remove(operation.id(), operation)) {
      context.operationReleased(operation.id());
      synchronized (finishedIds) {
        finishedIds.put(operation.id(), System.currentTimeMillis());
        expireFinishedIds();
      }
    }
  }

  /**
   * Forgets an operation that had no effect and that its client is to send again under the same id
   * (it is not remembered as finished, so the retry is accepted).
   */
  public void forgetOperation(Operation operation) {
    if (operations.remove(operation.id(), operation)) {
      context.operationReleased(operation.id());
    }
  }

  /** Whether an operation with this id ran in this session recently. */
  public boolean ranRecently(String operationId) {
    synchronized (finishedIds) {
      expireFinishedIds();
      return finishedIds.containsKey(operationId);
    }
  }

  private void expireFinishedIds() {
    long oldest = System.currentTimeMillis() - finishedIdsTtlMs;
    var it = finishedIds.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getValue() < oldest || finishedIds.size() > FINISHED_IDS_KEPT) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
