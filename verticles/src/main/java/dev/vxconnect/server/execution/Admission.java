package dev.vxconnect.server.execution;

import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.Session;
import java.util.Map;
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
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
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
    long running = session.operations().stream().filter(op -> !op.isFinished()).count();
    if (running >= options.maxOperationsPerSession()) {
      throw refusal(
          "session_operations",
          ErrorStatus.RESOURCE_EXHAUSTED,
          "Session "
              + session.sessionId()
              + " runs "
              + running
              + " operations, the most one session may run at once ("
              + ConfigKeys.MAX_OPERATIONS_PER_SESSION.key()
              + " = "
              + options.maxOperationsPerSession()
              + ").");
    }
    if (bufferedBytes.sum() > options.maxBufferedBytes()) {
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
    AtomicInteger user = perUser.computeIfAbsent(userId, u -> new AtomicInteger());
    int here = user.incrementAndGet();
    int elsewhere = cluster.elsewhere(userId);
    if (here + elsewhere > options.maxOperationsPerUser()) {
      user.decrementAndGet();
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
      user.decrementAndGet();
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
    cluster.publish(userId, user.get());
  }

  /** Gives back the slot of a finished operation. */
  void release(Session session) {
    total.decrementAndGet();
    AtomicInteger user = perUser.get(session.userId());
    if (user == null) {
      return;
    }
    int left = user.decrementAndGet();
    if (left <= 0) {
      perUser.remove(session.userId(), user);
    }
    cluster.publish(session.userId(), Math.max(0, left));
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
    Map<String, Long> counts = new java.util.TreeMap<>();
    refusals.forEach((reason, count) -> counts.put(reason, count.sum()));
    return counts;
  }

  private RpcFailure refusal(String reason, int code, String message) {
    refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    return new RpcFailure(
        ErrorStatus.retryLater(code, message + " Retry later.", options.retryDelay()));
  }
}
