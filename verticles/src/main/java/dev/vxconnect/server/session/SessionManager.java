package dev.vxconnect.server.session;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.config.SessionOptions;
import dev.vxconnect.server.routing.ForwardRequired;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this instance serves, keyed by (user_id, session_id), and their records in the
 * cluster's store. A session is created on first use; a session another live instance owns is
 * forwarded there ({@link ForwardRequired}); a session whose owner is gone is taken over (an atomic
 * replace on its record, so that only one survivor wins) and rebuilt from its recorded changes,
 * keeping its server-side id. Ids are checked as Spark's server does (INVALID_HANDLE.FORMAT /
 * SESSION_NOT_FOUND / SESSION_CLOSED / SESSION_CHANGED); closed ids are tombstoned in the store.
 */
public final class SessionManager {

  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
  private static final long UNREACHABLE_MS = 30_000;

  private final SparkEngine engine;
  private final WorkerExecutor sparkPool;
  private final WorkerExecutor releasePool;
  private final Cluster cluster;
  private final SessionOptions options;
  private final long finishedOperationsTtlMs;
  private final Map<SessionKey, Future<Session>> sessions = new ConcurrentHashMap<>();
  private final SessionRebuilder rebuilder;
  private final SessionRecorder recorder;
  private final LongAdder takeovers = new LongAdder();
  private final Hibernation hibernation;
  private final KeptArtifacts artifacts;

  /**
   * Whether sessions' changes and artifact bytes are kept outside their Spark side, so that a
   * session can be rebuilt from its record: in a cluster (failover), and wherever sessions
   * hibernate.
   */
  private final boolean keepsState;

  private final UserSessionLimit perUser;
  private final OrphanedSessions orphans;
  private Consumer<Session> beforeClose = s -> {};

  /** Set once this instance hands its sessions over: their queries stop, and stay recorded. */
  private volatile boolean handingOver;

  /** Owners that did not answer a forwarded call, until when they are treated as gone. */
  private final Map<String, Long> unreachableUntil = new ConcurrentHashMap<>();

  /**
   * @param sparkPool where sessions are set up (short Spark calls)
   * @param releasePool where sessions are closed, hibernated and stopped: a close waits for the
   *     session's interrupted work, and must not hold the threads of other sessions' short calls
   */
  public SessionManager(
      SparkEngine engine,
      WorkerExecutor sparkPool,
      WorkerExecutor releasePool,
      Cluster cluster,
      SessionOptions options,
      long finishedOperationsTtlMs,
      long maxReplicatedArtifactBytes) {
    this.engine = engine;
    this.sparkPool = sparkPool;
    this.releasePool = releasePool;
    this.cluster = cluster;
    this.options = options;
    this.finishedOperationsTtlMs = finishedOperationsTtlMs;
    this.keepsState = cluster.isDistributed() || options.hibernates();
    this.artifacts =
        new KeptArtifacts(
            cluster.artifacts(), keepsState, cluster.isDistributed(), maxReplicatedArtifactBytes);
    this.hibernation =
        new Hibernation(options, releasePool, cluster.sessions(), this::releaseIfCurrent);
    this.rebuilder = new SessionRebuilder(cluster.artifacts());
    this.recorder =
        new SessionRecorder(
            cluster,
            keepsState,
            artifacts,
            new StreamingQueryRecords(cluster, options.maxStreamingQueries()),
            releasePool,
            session -> releaseIfCurrent(session, () -> true));
    this.perUser =
        new UserSessionLimit(
            cluster.sessionCounts(), options.maxSessionsPerUser(), options.retryDelay());
    this.orphans =
        new OrphanedSessions(
            cluster.sessions(),
            cluster.membership(),
            options.idleTimeout(),
            options.maintenanceInterval(),
            record -> find(new SessionKey(record.getUserId(), record.getSessionId())).isPresent(),
            record ->
                artifacts
                    .drop(record)
                    .<Void>mapEmpty()
                    .eventually(
                        () ->
                            perUser.release(
                                new SessionKey(record.getUserId(), record.getSessionId()))));
  }

  /** Runs before a session closes (e.g. to interrupt its operations). */
  public void beforeClose(Consumer<Session> hook) {
    this.beforeClose = hook;
  }

  /**
   * An owner did not answer a forwarded call: for a while its sessions are taken over here instead
   * of forwarded (Hazelcast may take seconds more to declare it gone).
   */
  public void unreachable(String owner) {
    unreachableUntil.put(owner, System.currentTimeMillis() + UNREACHABLE_MS);
  }

  private boolean reachable(String owner) {
    Long until = unreachableUntil.get(owner);
    if (until == null) {
      return true;
    }
    if (until < System.currentTimeMillis()) {
      unreachableUntil.remove(owner, until);
      return true;
    }
    return false;
  }

  /** This instance's id in the cluster. */
  public String self() {
    return cluster.membership().self();
  }

  /** PERMISSION_DENIED for a call whose valid forwarding seal names another session. */
  public static RpcFailure sealedForAnother() {
    return RpcFailure.of(
        ErrorStatus.PERMISSION_DENIED,
        "This call's forwarding seal was made for another user or session");
  }

  /** The session, created if it does not exist yet (or taken over from a lost owner). */
  public Future<Session> getOrCreate(RequestContext request) {
    return resolve(request, true);
  }

  /** The session, which must exist somewhere in the cluster. */
  public Future<Session> get(RequestContext request) {
    return resolve(request, false);
  }

  private Future<Session> resolve(RequestContext request, boolean create) {
    if (!request.permitted()) {
      return Future.failedFuture(request.notPermitted());
    }
    if (request.sealedForAnother()) {
      return Future.failedFuture(sealedForAnother());
    }
    try {
      validateId(request.sessionId());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    SessionKey key = request.key();
    Optional<Session> known = find(key);
    if (known.isPresent()) {
      try {
        if (checked(known.get(), request)) {
          return Future.succeededFuture(known.get());
        }
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      // It hibernated between the lookup and now: rebuilt from its record below.
    }
    return cluster
        .sessions()
        .isClosed(key.userId(), key.sessionId())
        .compose(
            closed -> {
              if (closed) {
                return Future.failedFuture(
                    SparkErrors.invalidHandle("SESSION_CLOSED", key.sessionId()));
              }
              return cluster
                  .sessions()
                  .get(key.userId(), key.sessionId())
                  .compose(
                      record -> {
                        if (record.isPresent()) {
                          return adopt(request, record.get());
                        }
                        if (!create) {
                          return Future.failedFuture(
                              SparkErrors.invalidHandle("SESSION_NOT_FOUND", key.sessionId()));
                        }
                        return createNew(key);
                      });
            })
        .map(
            s -> {
              if (!checked(s, request)) {
                // Hibernated again at once (a hibernateAfter shorter than a rebuild): rare.
                throw new RpcFailure(
                    ErrorStatus.retryLater(
                        ErrorStatus.UNAVAILABLE,
                        "Session " + key.sessionId() + " is being rebuilt. Retry later.",
                        options.retryDelay()));
              }
              return s;
            });
  }

  /** A recorded session that this instance does not hold: forward, or take over and rebuild. */
  private Future<Session> adopt(RequestContext request, SessionRecord record) {
    String owner = record.getOwner();
    if (!owner.equals(self()) && !request.forwarded() && reachable(owner)) {
      Optional<String> address = cluster.membership().address(owner);
      if (address.isPresent()) {
        return Future.failedFuture(new ForwardRequired(owner, address.get()));
      }
    }
    if (atAwakeLimit(request.key())) {
      return Future.failedFuture(awakeLimitReached());
    }
    SessionRecord mine = record.toBuilder().setOwner(self()).build();
    Future<Boolean> owned =
        owner.equals(self())
            ? Future.succeededFuture(true)
            : cluster.sessions().replace(record, mine);
    return owned.compose(
        won -> {
          if (!won) {
            // Another survivor took it first (or it changed): look again, it will be forwarded.
            return cluster
                .sessions()
                .get(record.getUserId(), record.getSessionId())
                .compose(
                    latest ->
                        latest.isPresent() && !latest.get().equals(record)
                            ? adopt(request, latest.get())
                            : Future.failedFuture(
                                SparkErrors.invalidHandle(
                                    "SESSION_NOT_FOUND", record.getSessionId())));
          }
          SessionKey key = request.key();
          perUser.adopt(key);
          return sessions.compute(
              key,
              (k, pending) -> {
                if (pending != null && !pending.failed() && !hibernated(pending)) {
                  return pending; // already being rebuilt here for an earlier call
                }
                if (owner.equals(self())) {
                  hibernation.woke();
                  LogIds.of(LOG.atInfo(), key)
                      .log(
                          "Session {} of user {}: waking it (rebuilding it from its {} changes)",
                          record.getSessionId(),
                          record.getUserId(),
                          record.getChangesCount());
                } else {
                  takeovers.increment();
                  LogIds.of(LOG.atInfo(), key)
                      .log(
                          "Session {} of user {}: taking it over from {} and rebuilding it ({}"
                              + " changes)",
                          record.getSessionId(),
                          record.getUserId(),
                          owner.isEmpty() ? "nobody" : owner,
                          record.getChangesCount());
                }
                return rebuild(k, mine);
              });
        });
  }

  private Future<Session> createNew(SessionKey key) {
    Future<Session> pending = sessions.get(key);
    if (pending != null && !pending.failed()) {
      return pending; // being created here for an earlier call
    }
    if (atAwakeLimit(key)) {
      return Future.failedFuture(awakeLimitReached());
    }
    return perUser
        .claim(key)
        .compose(
            v ->
                sessions.compute(
                    key,
                    (k, earlier) ->
                        earlier == null || earlier.failed() ? create(k, null) : earlier));
  }

  /**
   * Whether a session not held here would pass vxconnect.session.maxSessions (sessions being made
   * count; hibernated ones have left the map). Checked before it is made, not reserved: calls
   * arriving together may pass it by a few.
   */
  private boolean atAwakeLimit(SessionKey key) {
    return !sessions.containsKey(key) && sessions.size() >= options.maxSessions();
  }

  private RpcFailure awakeLimitReached() {
    return new RpcFailure(
        ErrorStatus.retryLater(
            ErrorStatus.RESOURCE_EXHAUSTED,
            "This instance holds "
                + sessions.size()
                + " sessions awake, the most it may ("
                + ConfigKeys.MAX_SESSIONS.key()
                + " = "
                + options.maxSessions()
                + (options.hibernates()
                    ? "; idle ones hibernate after " + options.hibernateAfter()
                    : "")
                + "); retry later.",
            options.retryDelay()));
  }

  /** The live session, if it exists here (and is ready, and not hibernated). */
  public Optional<Session> find(SessionKey key) {
    Future<Session> session = sessions.get(key);
    if (session == null || !session.succeeded() || session.result().isHibernated()) {
      return Optional.empty();
    }
    return Optional.of(session.result());
  }

  private static boolean hibernated(Future<Session> session) {
    return session.succeeded() && session.result().isHibernated();
  }

  /** Copies a session's conf, temp views, functions and artifacts into a new session. */
  public Future<Session> cloneSession(Session source, String newSessionId) {
    try {
      UUID.fromString(newSessionId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(cloneRefused("TARGET_SESSION_ID_FORMAT", newSessionId));
    }
    SessionKey key = new SessionKey(source.userId(), newSessionId);
    if (atAwakeLimit(key)) {
      return Future.failedFuture(awakeLimitReached());
    }
    return cluster
        .sessions()
        .isClosed(key.userId(), key.sessionId())
        .compose(
            closed ->
                closed
                    ? Future.failedFuture(
                        cloneRefused("TARGET_SESSION_ID_ALREADY_CLOSED", newSessionId))
                    : perUser.claim(key))
        .compose(
            counted -> {
              Future<Session> created =
                  sessions.containsKey(key)
                      ? null
                      : artifacts.copy(source, key).compose(v -> create(key, source));
              if (created == null || sessions.putIfAbsent(key, created) != null) {
                return Future.failedFuture(
                    cloneRefused("TARGET_SESSION_ID_ALREADY_EXISTS", newSessionId));
              }
              return created;
            });
  }

  /** Why a clone's target id is refused, in Spark's words (its session manager's checks). */
  private static RuntimeException cloneRefused(String reason, String targetSessionId) {
    return SparkErrors.raise(
        "INVALID_CLONE_SESSION_REQUEST." + reason, Map.of("targetSessionId", targetSessionId));
  }

  /** What keeps this instance's sessions' changes, streaming queries and artifacts. */
  public SessionRecorder recorder() {
    return recorder;
  }

  /**
   * One of the session's streaming queries ended here: it is not to be started again after a
   * failover. Not when the session is no longer served here (closed, dropped, handed over): its
   * queries stop with it, and its record must keep them for the instance that rebuilds it.
   */
  private void streamingQueryEnded(Session session, String queryId) {
    Future<Session> held = sessions.get(session.key());
    if (handingOver
        || session.isClosed()
        || held == null
        || !held.succeeded()
        || held.result() != session) {
      return;
    }
    recorder
        .forgetStreamingQuery(session, queryId)
        .onFailure(
            e ->
                LogIds.of(LOG.atWarn(), session)
                    .log(
                        "Session {}: could not forget ended streaming query {}: {}",
                        session.sessionId(),
                        queryId,
                        e.toString()));
  }

  /**
   * Closes a session: interrupts its operations and frees its Spark side. Unless
   * {@code allowReconnect}, its id is tombstoned so it cannot be used again.
   */
  public Future<Optional<Session>> close(SessionKey key, boolean allowReconnect) {
    Future<Session> removed = sessions.remove(key);
    // The artifacts the stored record names are dropped with it; the local record's, after the
    // session is marked closed, only if they were not among them.
    Future<List<String>> dropped =
        !keepsState
            ? cluster
                .sessions()
                .close(key.userId(), key.sessionId(), allowReconnect)
                .map(v -> List.<String>of())
            : cluster
                .sessions()
                .get(key.userId(), key.sessionId())
                .compose(
                    record ->
                        cluster
                            .sessions()
                            .close(key.userId(), key.sessionId(), allowReconnect)
                            .compose(
                                v ->
                                    record
                                        .map(artifacts::drop)
                                        .orElse(Future.succeededFuture(List.of()))));
    dropped = dropped.compose(digests -> perUser.release(key).map(digests));
    if (removed == null) {
      return dropped.map(v -> Optional.empty());
    }
    Function<Throwable, Future<Optional<Session>>> gone =
        failed -> Future.succeededFuture(Optional.empty());
    return dropped.compose(
        droppedBefore -> removed.compose(session -> closeSparkSide(session, droppedBefore), gone),
        gone);
  }

  private Future<Optional<Session>> closeSparkSide(Session session, List<String> droppedBefore) {
    session.markClosed();
    beforeClose.accept(session);
    // Kept by an upload after the stored record was read (see SessionRecorder#keepArtifact).
    return artifacts
        .dropOthers(session.record(), droppedBefore)
        .transform(
            whatever ->
                releasePool.executeBlocking(
                    () -> {
                      session.context().close();
                      return Optional.of(session);
                    },
                    false));
  }

  /**
   * Hands this instance's sessions over (graceful stop): their records no longer name an owner,
   * so the next call for each, wherever it lands, rebuilds it at once instead of waiting for this
   * member to be declared gone.
   */
  public Future<Void> handOver() {
    // Their streaming queries stop here first (the next owner starts them again from their
    // checkpoints: two runs of one query would compete for it), and stay in their records.
    handingOver = true;
    List<Future<Boolean>> released = new ArrayList<>();
    for (Session session : live()) {
      Future<Void> stopped =
          session.record().getStreamingQueriesCount() == 0
              ? Future.succeededFuture()
              : releasePool.executeBlocking(
                  () -> {
                    session.context().stopStreamingQueriesNow();
                    return null;
                  },
                  false);
      released.add(
          stopped.transform(
              v -> {
                // The record keeps when its session was last used: nobody serves it until its
                // next call, and it expires a session timeout after that (OrphanedSessions).
                SessionRecord record = session.record();
                return cluster
                    .sessions()
                    .replace(
                        record,
                        record.toBuilder()
                            .setOwner("")
                            .setLastAccessMs(session.lastAccessMs())
                            .build());
              }));
    }
    return Future.join(released).mapEmpty();
  }

  /** Closes sessions idle for longer than the timeout that run nothing. */
  public void expireIdle() {
    long cutoff = System.currentTimeMillis() - options.idleTimeout().toMillis();
    for (Session session : live()) {
      boolean busy = session.operations().stream().anyMatch(op -> !op.isFinished());
      if (!busy && session.lastAccessMs() < cutoff) {
        LogIds.of(LOG.atInfo(), session)
            .log(
                "Session {} of user {} expired after {} idle",
                session.sessionId(),
                session.userId(),
                options.idleTimeout());
        close(session.key(), false);
      }
    }
  }

  /**
   * Refreshes the records of the sessions held here (so that nobody takes them for unserved), and
   * expires this instance's share of the session records nobody serves (owner gone, handed over,
   * or not held by its owner) that were not used for the session timeout, with their artifacts
   * and their count ({@link OrphanedSessions}).
   */
  public Future<Integer> expireOrphans() {
    if (!keepsState) {
      return Future.succeededFuture(0); // a single instance holds every session it has a record of
    }
    long now = System.currentTimeMillis();
    if (!handingOver) {
      orphans.refresh(live(), now);
    }
    return orphans.sweep(now);
  }

  /** Sessions this instance has taken over from another (failovers) and rebuilt, so far. */
  public long takeovers() {
    return takeovers.sum();
  }

  /** Sessions hibernated here so far. */
  public long hibernations() {
    return hibernation.hibernations();
  }

  /** Sessions this instance rebuilt from a record it owned (woken from hibernation), so far. */
  public long wakes() {
    return hibernation.wakes();
  }

  /** Hibernates the sessions idle long enough ({@link Hibernation}). */
  public void hibernateIdle() {
    if (!handingOver) {
      hibernation.pass(live());
    }
  }

  /**
   * Takes the session out of those served here, if it is the one held for its key and {@code
   * check} (asked only then) agrees.
   */
  private boolean releaseIfCurrent(Session session, BooleanSupplier check) {
    Future<Session> held = sessions.get(session.key());
    return held != null
        && held.succeeded()
        && held.result() == session
        && check.getAsBoolean()
        && sessions.remove(session.key(), held);
  }

  /** Every session that is up here. */
  public Collection<Session> live() {
    List<Session> live = new ArrayList<>();
    sessions
        .values()
        .forEach(
            f -> {
              if (f.succeeded() && !f.result().isHibernated()) {
                live.add(f.result());
              }
            });
    return live;
  }

  /** Records a new session (keeping an existing record's server-side id), then builds its Spark side. */
  private Future<Session> create(SessionKey key, Session cloneOf) {
    long now = System.currentTimeMillis();
    SessionRecord.Builder fresh =
        SessionRecord.newBuilder()
            .setUserId(key.userId())
            .setSessionId(key.sessionId())
            .setServerSideSessionId(UUID.randomUUID().toString())
            .setOwner(self())
            .setCreatedAtMs(now)
            .setLastAccessMs(now);
    if (cloneOf != null) {
      // The copy starts from the source's history, so it can be rebuilt on its own.
      fresh
          .setClonedFromSessionId(cloneOf.sessionId())
          .addAllChanges(cloneOf.record().getChangesList());
    }
    Promise<Session> created = Promise.promise();
    cluster
        .sessions()
        .create(fresh.build())
        .onFailure(e -> perUser.release(key))
        .compose(
            record -> {
              Optional<String> ownerAddress =
                  record.getOwner().equals(self())
                      ? Optional.empty()
                      : cluster.membership().address(record.getOwner());
              if (ownerAddress.isPresent()) {
                // Another instance created it at the same moment: it serves it.
                return Future.failedFuture(
                    new ForwardRequired(record.getOwner(), ownerAddress.get()));
              }
              return sparkPool.executeBlocking(
                  () -> {
                    SessionContext context =
                        cloneOf == null
                            ? engine.openSession(key.userId(), key.sessionId())
                            : cloneOf.context().cloneAs(key.sessionId());
                    return watched(new Session(key, record, context, finishedOperationsTtlMs));
                  },
                  false);
            })
        .onComplete(result -> settle(key, created, result, "opened"));
    return created.future();
  }

  private Future<Session> rebuild(SessionKey key, SessionRecord record) {
    Promise<Session> rebuilt = Promise.promise();
    rebuilder
        .fetchArtifacts(record)
        .compose(
            artifacts ->
                sparkPool.executeBlocking(
                    () -> {
                      SessionContext context = engine.openSession(key.userId(), key.sessionId());
                      rebuilder.replay(record, artifacts, context);
                      Session session =
                          watched(new Session(key, record, context, finishedOperationsTtlMs));
                      session.markRebuilt();
                      StreamingQueryRestarts.restart(record, context, session.streamingQueries());
                      return session;
                    },
                    false))
        .onComplete(result -> settle(key, rebuilt, result, "rebuilt"));
    return rebuilt.future();
  }

  /** The session, told when its streaming queries end (in a cluster, where they are recorded). */
  private Session watched(Session session) {
    if (cluster.isDistributed()) {
      session.context().onStreamingQueryEnd(queryId -> streamingQueryEnded(session, queryId));
    }
    return session;
  }

  private void settle(
      SessionKey key, Promise<Session> promise, AsyncResult<Session> result, String what) {
    if (result.failed()) {
      sessions.remove(key, promise.future());
    } else {
      LogIds.of(LOG.atInfo(), key)
          .log("Session {} of user {} {}", key.sessionId(), key.userId(), what);
    }
    promise.handle(result);
  }

  /**
   * Checks the server-side id the client observed (SESSION_CHANGED) and marks the session used;
   * false if it hibernated meanwhile.
   */
  private static boolean checked(Session session, RequestContext request) {
    request
        .observedServerSideSessionId()
        .ifPresent(
            observed -> {
              if (!observed.equals(session.serverSideSessionId())) {
                throw SparkErrors.invalidHandle("SESSION_CHANGED", request.sessionId());
              }
            });
    return session.touch();
  }

  /**
   * Checks that a session id is a UUID (INVALID_HANDLE.FORMAT otherwise), as it must be before it
   * is looked up, created or tombstoned.
   */
  public static void validateId(String sessionId) {
    try {
      UUID.fromString(sessionId);
    } catch (IllegalArgumentException e) {
      throw SparkErrors.invalidHandle("FORMAT", sessionId);
    }
  }
}
