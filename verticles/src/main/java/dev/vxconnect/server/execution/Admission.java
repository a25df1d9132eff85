package dev.vxconnect.server.execution;

import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.Session;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides whether a new operation may start: limits on operations per session, per user (over
 * every instance: this one's counted here, the others' as they publish them, {@link
 * OperationCounts}) and in total, and on the result bytes all buffers hold. A refusal is RESOURCE_EXHAUSTED (UNAVAILABLE
 * while draining) with a RetryInfo, so the official clients back off and retry; nothing already
 * accepted is ever dropped.
 */
final class Admission {

  private final ExecutionOptions options;
  private final LongAdder bufferedBytes;
  private final OperationCounts cluster;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

  /**
   * Slots taken per session (the object: a session opened again under the same id starts afresh):
   * counted here rather than from the
   * session's operations, which an operation joins only after its admission, so that two requests
   * arriving together cannot both take the session's last slot.
   */
  private final Map<Session, Integer> perSession = new ConcurrentHashMap<>();

  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
  private volatile boolean draining;

  Admission(ExecutionOptions options, LongAdder bufferedBytes, OperationCounts cluster) {
    this.options = options;
    this.bufferedBytes = bufferedBytes;
    this.cluster = cluster;
  }

  /** Takes a slot for a new operation of {@code session}, or throws the refusal. */
  void admit(Session session) {
    if (draining) {
      throw refusal(
          "draining",
          ErrorStatus.UNAVAILABLE,
          "This vxconnect instance is shutting down and takes no new operations.");
    }
    int inSession = take(perSession, session);
    if (inSession > options.maxOperationsPerSession()) {
      give(perSession, session);
      throw refusal(
          "session_operations",
          ErrorStatus.RESOURCE_EXHAUSTED,
          "Session "
              + session.sessionId()
              + " runs "
              + (inSession - 1)
              + " operations, the most one session may run at once ("
              + ConfigKeys.MAX_OPERATIONS_PER_SESSION.key()
              + " = "
              + options.maxOperationsPerSession()
              + ").");
    }
    if (bufferedBytes.sum() > options.maxBufferedBytes()) {
      give(perSession, session);
      throw refusal(
          "buffered_bytes",
          ErrorStatus.RESOURCE_EXHAUSTED,
          "The server holds more than "
              + options.maxBufferedBytes()
              + " bytes of results that clients have not read yet ("
              + ConfigKeys.MAX_BUFFERED_BYTES.key()
              + " = "
              + options.maxBufferedBytes()
              + ").");
    }
    String userId = session.userId();
    int here = take(perUser, userId);
    int elsewhere = cluster.elsewhere(userId);
    if (here + elsewhere > options.maxOperationsPerUser()) {
      give(perUser, userId);
      give(perSession, session);
      throw refusal(
          "user_operations",
          ErrorStatus.RESOURCE_EXHAUSTED,
          "User "
              + userId
              + " runs "
              + (here - 1 + elsewhere)
              + " operations over all instances, the most one user may run at once ("
              + ConfigKeys.MAX_OPERATIONS_PER_USER.key()
              + " = "
              + options.maxOperationsPerUser()
              + ").");
    }
    if (total.incrementAndGet() > options.maxOperations()) {
      total.decrementAndGet();
      give(perUser, userId);
      give(perSession, session);
      throw refusal(
          "server_operations",
          ErrorStatus.RESOURCE_EXHAUSTED,
          "The server runs "
              + options.maxOperations()
              + " operations, the most it runs at once ("
              + ConfigKeys.MAX_OPERATIONS.key()
              + " = "
              + options.maxOperations()
              + ").");
    }
    cluster.publish(userId, here);
  }

  /** Gives back the slot of a finished operation. */
  void release(Session session) {
    total.decrementAndGet();
    give(perSession, session);
    cluster.publish(session.userId(), give(perUser, session.userId()));
  }

  /** Adds one to {@code key}'s count; the new count. */
  private static <K> int take(Map<K, Integer> counts, K key) {
    return counts.merge(key, 1, Integer::sum);
  }

  /** Takes one from {@code key}'s count, forgetting the key at zero; the count left. */
  private static <K> int give(Map<K, Integer> counts, K key) {
    Integer left = counts.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    return left == null ? 0 : left;
  }

  void drain() {
    draining = true;
  }

  /** Operations admitted and not finished. */
  int active() {
    return total.get();
  }

  /** Operations refused so far, by reason (draining, session_operations, buffered_bytes, ...). */
  Map<String, Long> refusals() {
    Map<String, Long> counts = new TreeMap<>();
    refusals.forEach((reason, count) -> counts.put(reason, count.sum()));
    return counts;
  }

  private RpcFailure refusal(String reason, int code, String message) {
    refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    return new RpcFailure(
        ErrorStatus.retryLater(code, message + " Retry later.", options.retryDelay()));
  }
}
