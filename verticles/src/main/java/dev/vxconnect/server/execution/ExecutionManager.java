package dev.vxconnect.server.execution;

import com.google.protobuf.ByteString;
import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.ServerError;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.proto.cluster.ResultMark;
import dev.vxconnect.proto.cluster.ResultMarks;
import dev.vxconnect.server.buffer.BufferLimits;
import dev.vxconnect.server.buffer.ResponseBuffer;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.StateRecorder;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers operations with their sessions and runs them on the bounded execution pool, never on
 * an event loop; admits them through {@link Admission}; interrupts them; and abandons the
 * reattachable ones no client came back for within the detached timeout.
 */
public final class ExecutionManager {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutionManager.class);

  /** Requests larger than this are not kept for a re-run after failover (plans with inline data). */
  private static final int MAX_RERUN_REQUEST_BYTES = 1 << 20;

  /** How long after a takeover an ExecutePlan may be a client's retry of one its lost instance ran. */
  private static final long RECENT_TAKEOVER_MS = 15 * 60_000;

  private final OperationThreads threads;
  private final SparkSlots slots;
  private final WorkerExecutor sparkPool;
  private final ExecutionOptions options;
  private final LongAdder bufferedBytes = new LongAdder();
  private final Admission admission;
  private final Map<String, Long> abandoned;

  /**
   * Reattachable operations refused for their client to retry them and forgotten (see {@link
   * #forgetRefused}), until the client sends them again: user/session/operation id.
   */
  private final Map<String, Long> refused;

  private final StateRecorder recorder;
  private final OperationRegistry registry;
  private final String self;

  /**
   * @param sparkPool runs short Spark calls (cancelling an operation's jobs)
   * @param recorder records commands that change their session's state, before they complete
   * @param registry where reattachable operations are known cluster-wide
   * @param self this instance's id in the cluster
   * @param userOperations the operations each user runs on the other instances
   */
  public ExecutionManager(
      WorkerExecutor sparkPool,
      ExecutionOptions options,
      StateRecorder recorder,
      OperationRegistry registry,
      String self,
      OperationCounts userOperations) {
    this.slots = new SparkSlots(options.executeThreads());
    // Admission bounds the operations; the margin covers threads between an operation's release
    // and their return to the pool.
    this.threads = new OperationThreads(options.maxOperations() + options.executeThreads());
    this.sparkPool = sparkPool;
    this.recorder = recorder;
    this.registry = registry;
    this.self = self;
    this.options = options;
    this.admission = new Admission(options, bufferedBytes, userOperations);
    int tombstones = options.abandonedTombstones();
    this.abandoned =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > tombstones;
          }
        };
    this.refused =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > tombstones;
          }
        };
  }

  /**
   * Starts an ExecutePlan ({@link #start}), unless it is the retry of one that a lost instance
   * was running: a client that had no response yet sends the same ExecutePlan again, and running it
   * again blindly could run a command twice. For sessions rebuilt here lately, the cluster's
   * operation records say; such a retry is then recovered as a reattach with no response seen.
   */
  public Future<Operation> open(Session session, ExecutePlanRequest request) {
    String operationId = request.getOperationId();
    if (operationId.isEmpty()
        || wasRefused(session.userId(), session.sessionId(), operationId)
        || !registry.isShared()
        || !session.rebuiltWithin(RECENT_TAKEOVER_MS)
        || session.operation(operationId).isPresent()) {
      return call(() -> start(session, request));
    }
    return registry
        .get(operationId)
        .compose(
            found ->
                found.isPresent()
                    ? recover(session, operationId, 0)
                    : call(() -> start(session, request)));
  }

  private static <T> Future<T> call(Callable<T> work) {
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Registers and starts an ExecutePlan. Returns the existing operation when the client retries
   * the same plan under the same operation id (it is then reattached, as Spark does).
   */
  public Operation start(Session session, ExecutePlanRequest request) {
    String operationId = operationId(request);
    Operation existing = session.operation(operationId).orElse(null);
    if (existing != null) {
      if (existing.request().getPlan().equals(request.getPlan())) {
        return existing;
      }
      throw SparkErrors.invalidHandle("OPERATION_ALREADY_EXISTS", operationId);
    }
    if (session.ranRecently(operationId) || isAbandoned(session, operationId)) {
      throw SparkErrors.invalidHandle("OPERATION_ABANDONED", operationId);
    }
    if (session.isClosed()) {
      throw SparkErrors.invalidHandle("SESSION_CLOSED", session.sessionId());
    }
    boolean reattachable = options.reattachableEnabled() && isReattachable(request);
    ExecutePlanRequest started = request.toBuilder().setOperationId(operationId).build();
    Operation operation =
        launch(
            session,
            started,
            reattachable,
            1,
            buffer ->
                resumable(started, reattachable)
                    ? ResultStream.recorded(buffer, registry)
                    : ResultStream.unrecorded(buffer));
    boolean retried;
    synchronized (refused) {
      retried = refused.remove(key(session, operationId)) != null;
    }
    if (retried) {
      LogIds.of(LOG.atInfo(), operation)
          .log(
              "Operation {} of session {}: sent again after it was refused, runs afresh",
              operationId,
              session.sessionId());
    }
    return operation;
  }

  /**
   * Runs again, under its own id, a read-only query whose instance was lost before its client had
   * any result: numbered on from {@code firstIndex}, the response after the last one the client
   * saw (the schema comes again; the official clients take the last one).
   */
  public Operation startAgain(Session session, ExecutePlanRequest request, long firstIndex) {
    if (session.isClosed()) {
      throw SparkErrors.invalidHandle("SESSION_CLOSED", session.sessionId());
    }
    LogIds.of(LOG.atInfo(), session, request.getOperationId())
        .log(
            "Operation {} of session {} lost with its instance before any result: running it again",
            request.getOperationId(),
            session.sessionId());
    return launch(session, request, true, firstIndex, ResultStream::unrecorded);
  }

  /**
   * Runs again, under its own id, a query whose instance was lost while its client was reading its
   * result, and resumes the result after the client's last response, {@code firstIndex - 1}: the
   * result responses up to {@code base} are produced again and checked against the digest the
   * client's instance recorded, then only the ones that follow are sent (none before: see
   * {@link ResultStream}).
   */
  public Operation resume(
      Session session, ExecutePlanRequest request, long firstIndex, Optional<ResultMark> base) {
    if (session.isClosed()) {
      throw SparkErrors.invalidHandle("SESSION_CLOSED", session.sessionId());
    }
    LogIds.of(LOG.atInfo(), session, request.getOperationId())
        .log(
            "Operation {} of session {} lost with its instance: running it again to resume its result after"
                + " response {} ({} result responses received)",
            request.getOperationId(),
            session.sessionId(),
            firstIndex - 1,
            base.map(ResultMark::getResults).orElse(0L));
    return launch(
        session, request, true, firstIndex, buffer -> ResultStream.resumed(buffer, registry, base));
  }

  /** Whether another instance could resume the operation's result: marks are recorded for it. */
  private boolean resumable(ExecutePlanRequest request, boolean reattachable) {
    return reattachable
        && options.resumeResults()
        && registry.isShared()
        && request.getPlan().hasRoot()
        && rerunnable(request);
  }

  /**
   * Whether the request may run again after its instance is lost: a query, or a command that only
   * asks about a streaming query (its status, progress, or waiting for it to end), whose client gets
   * its answer from the query's new run; never a command with effects.
   */
  private static boolean rerunnable(ExecutePlanRequest request) {
    return (request.getPlan().hasRoot() || StreamingQueryTracking.asksOnly(request))
        && request.getSerializedSize() <= MAX_RERUN_REQUEST_BYTES;
  }

  private Operation launch(
      Session session,
      ExecutePlanRequest request,
      boolean reattachable,
      long firstIndex,
      Function<ResponseBuffer, ResultStream> results) {
    String operationId = request.getOperationId();
    admission.admit(session);
    ResponseBuffer buffer =
        new ResponseBuffer(
            operationId,
            session.sessionId(),
            session.serverSideSessionId(),
            new BufferLimits(
                options.bufferAheadBytes(),
                reattachable ? options.retryBufferBytes() : 0,
                bufferedBytes),
            firstIndex);
    Operation operation =
        new Operation(operationId, session, request, reattachable, buffer, this::cancelJobs);
    if (!session.addOperation(operation)) {
      admission.release(session);
      throw SparkErrors.invalidHandle("OPERATION_ALREADY_EXISTS", operationId);
    }
    if (session.isClosed()) {
      // Closed since the check above, on another event loop: the close released the operations it
      // saw, maybe before this one was added. Not run on a closed session's Spark state.
      session.removeOperation(operation);
      admission.release(session);
      throw SparkErrors.invalidHandle("SESSION_CLOSED", session.sessionId());
    }
    LogIds.of(LOG.atInfo(), operation)
        .log(
            "Operation {} of session {} accepted ({}, tags {})",
            operationId,
            session.sessionId(),
            reattachable ? "reattachable" : "not reattachable",
            operation.tags());
    Runnable beforeStart = () -> {};
    Runnable beforeCompletion = () -> {};
    if (reattachable && registry.isShared()) {
      // Serializing the request is only worth it where another instance may need it.
      Registration registration = register(session, operation);
      if (registration.record().getCommand()) {
        beforeStart = () -> awaitRegistered(operation, registration);
        beforeCompletion = () -> recordCompleted(operation, registration);
      }
    }
    OperationRunner runner =
        new OperationRunner(
            operation,
            results.apply(buffer),
            recorder,
            slots,
            beforeStart,
            beforeCompletion,
            () -> forgetRefused(operation));
    try {
      threads.run(
          () -> {
            try {
              runner.run();
            } finally {
              admission.release(session);
            }
          });
    } catch (RejectedExecutionException e) {
      admission.release(session);
      session.removeOperation(operation);
      throw new RpcFailure(
          ErrorStatus.retryLater(
              ErrorStatus.UNAVAILABLE,
              "No thread is free for a new operation. Retry later.",
              options.retryDelay()));
    }
    return operation;
  }

  /** Interrupts every unfinished operation of the session. */
  public List<String> interruptAll(Session session) {
    return interrupt(session, op -> true);
  }

  /** Interrupts the session's operations carrying {@code tag}. */
  public List<String> interruptTag(Session session, String tag) {
    return interrupt(session, op -> op.tags().contains(tag));
  }

  /** Interrupts one operation. */
  public List<String> interruptOperation(Session session, String operationId) {
    return interrupt(session, op -> op.id().equals(operationId));
  }

  /** Forgets an operation whose client is done with it (interrupting it if it still runs). */
  public void release(Operation operation) {
    // The stream first: interrupted, the operation ends with OPERATION_CANCELED, and a stream still
    // attached would end gracefully with it, behind responses its client no longer reads.
    operation.releaseStream();
    operation.interrupt();
    operation.buffer().releaseUntil(Long.MAX_VALUE);
    operation.session().removeOperation(operation);
    if (operation.reattachable()) {
      registry.remove(operation.id());
    }
  }

  /**
   * Forgets an operation refused for its client to retry it, before the client hears it was: it
   * had no effect, so nothing of it is kept. The official clients take a retryable status on
   * ExecutePlan for a broken stream and reattach: the reattach then finds no operation ({@link
   * #wasRefused}: INVALID_HANDLE.OPERATION_NOT_FOUND), on which they send the same ExecutePlan
   * again, under the same id, and that runs afresh. Were the operation kept, failed, every reattach
   * would get its error again, and the client would back off and reattach until its retries ran
   * out, never running it again.
   */
  private void forgetRefused(Operation operation) {
    Session session = operation.session();
    if (operation.reattachable()) {
      synchronized (refused) {
        refused.put(key(session, operation.id()), System.currentTimeMillis());
      }
      // Its record, if it was stored: another instance must not take it for one that started.
      registry
          .remove(operation.id())
          .onFailure(
              e ->
                  LogIds.of(LOG.atWarn(), operation)
                      .log(
                          "Operation {}: refused, but its record could not be removed: {}",
                          operation.id(),
                          e.toString()));
    }
    session.forgetOperation(operation);
    LogIds.of(LOG.atInfo(), operation)
        .log(
            "Operation {} of session {}: refused for its client to retry, forgotten",
            operation.id(),
            session.sessionId());
  }

  /**
   * Whether this reattachable operation was refused for its client to retry it and not sent again
   * since: a reattach to it is answered INVALID_HANDLE.OPERATION_NOT_FOUND at once, without
   * resolving the session (whose record may be out of reach for the same reason).
   */
  public boolean wasRefused(String userId, String sessionId, String operationId) {
    synchronized (refused) {
      return refused.containsKey(userId + "/" + sessionId + "/" + operationId);
    }
  }

  /**
   * A reattach for an operation of {@code session} that this instance does not hold: if it was
   * lost with the instance that ran it (the session was taken over since), a read-only query whose
   * client had no result yet is run again here, resuming after {@code lastIndex}; otherwise the
   * reattach fails with why: lost in failover, abandoned, or never known.
   */
  public Future<Operation> recover(Session session, String operationId, long lastIndex) {
    if (isAbandoned(session, operationId)) {
      return Future.failedFuture(SparkErrors.invalidHandle("OPERATION_ABANDONED", operationId));
    }
    return registry
        .get(operationId)
        .compose(
            found -> {
              OperationRecord record = found.orElse(null);
              // Owned by this instance's id but not here: a previous life of this instance
              // (restarted).
              if (record == null
                  || !record.getSessionId().equals(session.sessionId())
                  || !record.getUserId().equals(session.userId())) {
                return Future.failedFuture(
                    SparkErrors.invalidHandle("OPERATION_NOT_FOUND", operationId));
              }
              if (record.getCommand()) {
                // Never run twice: say whether it took effect.
                return Future.failedFuture(
                    record.getState() == OperationRecord.State.SUCCEEDED
                        ? ServerError.commandCompleted(operationId, record.getOwner())
                        : ServerError.commandInterrupted(operationId, record.getOwner()));
              }
              if (record.getRequest().isEmpty()) {
                return Future.failedFuture(
                    ServerError.operationLostInFailover(operationId, record.getOwner()));
              }
              ExecutePlanRequest request;
              try {
                request = ExecutePlanRequest.parseFrom(record.getRequest().toByteArray());
              } catch (Exception e) {
                return Future.failedFuture(e);
              }
              return registry
                  .marks(operationId)
                  .compose(
                      marks -> {
                        Optional<Operation> here = session.operation(operationId);
                        if (here.isPresent()) {
                          return Future.succeededFuture(
                              here.get()); // a concurrent reattach started it already
                        }
                        if (marks.isPresent() && !marks.get().getMarksList().isEmpty()) {
                          return resumePoint(marks.get(), lastIndex)
                              .map(
                                  base ->
                                      Future.succeededFuture(
                                          resume(session, request, lastIndex + 1, base)))
                              .orElseGet(
                                  () ->
                                      Future.failedFuture(
                                          ServerError.operationLostInFailover(
                                              operationId, record.getOwner())));
                        }
                        boolean noResultSeen =
                            record.getFirstResultIndex() == 0
                                || lastIndex < record.getFirstResultIndex();
                        return noResultSeen
                            ? Future.succeededFuture(startAgain(session, request, lastIndex + 1))
                            : Future.failedFuture(
                                ServerError.operationLostInFailover(
                                    operationId, record.getOwner()));
                      });
            });
  }

  /**
   * Where a client whose last response is {@code lastIndex} stands in a resumable result: the last
   * mark at or before it (empty inside: it had no result response yet), or nothing when the marks
   * that could tell were dropped.
   */
  static Optional<Optional<ResultMark>> resumePoint(ResultMarks marks, long lastIndex) {
    ResultMark base = null;
    for (ResultMark mark : marks.getMarksList()) {
      if (mark.getIndex() <= lastIndex) {
        base = mark;
      }
    }
    if (base != null) {
      return Optional.of(Optional.of(base));
    }
    // Before every mark: it had no result response only if the first mark is the first result's.
    return marks.getMarks(0).getResults() == 1 ? Optional.of(Optional.empty()) : Optional.empty();
  }

  /** An operation's record as registered, and the write of it. */
  private record Registration(OperationRecord record, Future<Void> stored) {}

  /**
   * Makes a reattachable operation known cluster-wide; a read-only query keeps its request (up to
   * a size), and the index of its first result once there is one, so that it can be run again.
   */
  private Registration register(Session session, Operation operation) {
    ExecutePlanRequest request = operation.request();
    boolean rerunnable = rerunnable(request);
    OperationRecord record =
        OperationRecord.newBuilder()
            .setOperationId(operation.id())
            .setUserId(session.userId())
            .setSessionId(session.sessionId())
            .setOwner(self)
            .setState(OperationRecord.State.RUNNING)
            .setReattachable(true)
            .addAllTags(operation.tags())
            .setCreatedAtMs(System.currentTimeMillis())
            .setRequest(rerunnable ? ByteString.copyFrom(request.toByteArray()) : ByteString.EMPTY)
            .setCommand(request.getPlan().hasCommand() && !StreamingQueryTracking.asksOnly(request))
            .build();
    Future<Void> stored =
        registry
            .put(record)
            .onFailure(
                e ->
                    LogIds.of(LOG.atWarn(), operation)
                        .log(
                            "Operation {}: not registered in the cluster: {}",
                            operation.id(),
                            e.toString()));
    if (rerunnable) {
      operation
          .buffer()
          .onFirstResult(
              index -> registry.put(record.toBuilder().setFirstResultIndex(index).build()));
    }
    return new Registration(record, stored);
  }

  /**
   * Waits, before a command runs, until its record is in the cluster: a client that sends it again
   * to another instance once this one is lost is then told it had started, and it never runs twice.
   * A command whose record cannot be stored (the state database is lost) still runs, as every call
   * that needs no database goes on then; only were this instance also lost could it run again.
   */
  private static void awaitRegistered(Operation operation, Registration registration) {
    try {
      ClusterWrites.await(registration.stored());
      LogIds.of(LOG.atInfo(), operation)
          .log(
              "Command {} of session {}: its record is in the cluster; it runs",
              operation.id(),
              operation.session().sessionId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted before it started");
    } catch (Exception e) {
      LogIds.of(LOG.atWarn(), operation)
          .log(
              "Command {}: runs without its record in the cluster ({})",
              operation.id(),
              e.toString());
    }
  }

  /**
   * Records that a command completed, before its client can hear it: a client whose instance is
   * lost right after is told it took effect. Waited for on the operation's thread; if the cluster
   * cannot record it, the command still completes (its client is then told, after a failover, that
   * whether it took effect is not known).
   */
  private void recordCompleted(Operation operation, Registration registration) {
    try {
      // After the first write of the record (another thread's), so that this one is the last.
      ClusterWrites.await(
          registration
              .stored()
              .transform(
                  first ->
                      registry.put(
                          registration.record().toBuilder()
                              .setState(OperationRecord.State.SUCCEEDED)
                              .build())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LogIds.of(LOG.atWarn(), operation)
          .log(
              "Operation {}: could not record that the command completed: {}",
              operation.id(),
              e.toString());
    }
  }

  /**
   * Abandons reattachable operations that have had no stream attached for the detached timeout:
   * the client is not coming back, so they are interrupted, freed and tombstoned.
   */
  public void abandonDetached(Collection<Session> sessions) {
    long cutoff = System.currentTimeMillis() - options.detachedTimeout().toMillis();
    for (Session session : sessions) {
      for (Operation op : session.operations()) {
        long since = op.detachedSinceMs();
        if (op.reattachable() && since >= 0 && since < cutoff) {
          LogIds.of(LOG.atInfo(), op)
              .log(
                  "Operation {} of session {} abandoned: no client attached for {}",
                  op.id(),
                  session.sessionId(),
                  options.detachedTimeout());
          synchronized (abandoned) {
            abandoned.put(key(session, op.id()), System.currentTimeMillis());
          }
          release(op);
        }
      }
    }
  }

  /** Whether this operation id was abandoned (INVALID_HANDLE.OPERATION_ABANDONED). */
  public boolean isAbandoned(Session session, String operationId) {
    synchronized (abandoned) {
      return abandoned.containsKey(key(session, operationId));
    }
  }

  /** From now on, new operations are refused with UNAVAILABLE; those accepted carry on. */
  /** Interrupts operations still running and ends their threads (on stop, after the grace period). */
  public void close() {
    threads.close();
  }

  public void drain() {
    admission.drain();
  }

  /** Operations accepted and not yet finished running. */
  public int activeCount() {
    return admission.active();
  }

  /** New operations refused so far, by reason. */
  public Map<String, Long> refusals() {
    return admission.refusals();
  }

  /** Result bytes held by all buffers now. */
  public long bufferedBytes() {
    return bufferedBytes.sum();
  }

  private void cancelJobs(Operation operation) {
    sparkPool.executeBlocking(
        () -> {
          operation.session().context().cancelJobs(operation.id());
          return null;
        },
        false);
  }

  private List<String> interrupt(Session session, Predicate<Operation> which) {
    List<String> interrupted = new ArrayList<>();
    for (Operation op : session.operations()) {
      if (which.test(op) && op.interrupt()) {
        interrupted.add(op.id());
      }
    }
    LogIds.of(LOG.atInfo(), session)
        .log("Interrupted {} in session {}", interrupted, session.sessionId());
    return interrupted;
  }

  private static String key(Session session, String operationId) {
    return session.userId() + "/" + session.sessionId() + "/" + operationId;
  }

  private static String operationId(ExecutePlanRequest request) {
    if (!request.hasOperationId() || request.getOperationId().isEmpty()) {
      return UUID.randomUUID().toString();
    }
    try {
      return UUID.fromString(request.getOperationId()).toString();
    } catch (IllegalArgumentException e) {
      throw SparkErrors.invalidHandle("FORMAT", request.getOperationId());
    }
  }

  private static boolean isReattachable(ExecutePlanRequest request) {
    return request.getRequestOptionsList().stream()
        .anyMatch(o -> o.hasReattachOptions() && o.getReattachOptions().getReattachable());
  }
}
