package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.cluster.memory.LocalCluster;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.SessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.google_protos.rpc.RetryInfo;
import org.sparkproject.connect.google_protos.rpc.Status;

/**
 * Every way a session ends here frees its Spark side, once: released by its client, expired after
 * its idle timeout, dropped after a change that could not be recorded. (What that frees is
 * SessionReleaseTest's subject, in the planner.)
 */
class SessionManagerCloseTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor pool = vertx.createSharedWorkerExecutor("close-test", 2);
  private final WorkerExecutor releasePool =
      vertx.createSharedWorkerExecutor("close-test-release", 2);

  /** While set, a close of a Spark side waits for it to open (a session's work ending slowly). */
  private volatile CountDownLatch closeGate;

  /** How many times each session's Spark side was closed, by session id. */
  private final Map<String, AtomicInteger> closes = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Sessions whose Spark side says it holds something only memory can hold. */
  private final Map<String, String> holding = new ConcurrentHashMap<>();

  private SessionManager manager(Duration idleTimeout) {
    return manager(idleTimeout, Duration.ZERO);
  }

  private SessionManager manager(Duration idleTimeout, Duration hibernateAfter) {
    return manager(idleTimeout, hibernateAfter, 100);
  }

  private SessionManager manager(Duration idleTimeout, Duration hibernateAfter, int maxSessions) {
    return manager(idleTimeout, hibernateAfter, maxSessions, new LocalCluster("self:1", 100));
  }

  private SessionManager manager(
      Duration idleTimeout, Duration hibernateAfter, int maxSessions, LocalCluster cluster) {
    SparkEngine engine =
        (SparkEngine)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SparkEngine.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "openSession" -> context((String) args[0], (String) args[1]);
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    return new SessionManager(
        engine,
        pool,
        releasePool,
        cluster,
        new SessionOptions(
            idleTimeout,
            100,
            Duration.ofMinutes(1),
            100,
            maxSessions,
            1 << 20,
            Duration.ZERO,
            10,
            hibernateAfter),
        60_000,
        0);
  }

  /** A session's Spark side that only counts its closes. */
  private SessionContext context(String userId, String sessionId) {
    AtomicInteger closed = closes.computeIfAbsent(sessionId, id -> new AtomicInteger());
    return (SessionContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {SessionContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "close" -> {
                    CountDownLatch gate = closeGate;
                    if (gate != null) {
                      gate.await();
                    }
                    closed.incrementAndGet();
                    yield null;
                  }
                  case "heldOnlyHere" -> Optional.ofNullable(holding.get(sessionId));
                  case "userId" -> userId;
                  case "sessionId" -> sessionId;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "context of " + sessionId;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static Session open(SessionManager sessions) throws Exception {
    return open(sessions, UUID.randomUUID().toString());
  }

  private static Session open(SessionManager sessions, String sessionId) throws Exception {
    RequestContext request = new RequestContext("user", sessionId, Optional.empty(), Caller.ANYONE);
    return sessions.getOrCreate(request).await(30, TimeUnit.SECONDS);
  }

  private void awaitCloses(Session session, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closesOf(session) < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closesOf(session)).isEqualTo(count);
  }

  private int closesOf(Session session) {
    return closes.get(session.sessionId()).get();
  }

  /**
   * Artifact bytes kept in memory; a put ends when the gate in force at its start opens.
   */
  private static final class GatedStore implements ArtifactStore {
    final Map<String, byte[]> kept = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> removes = new ConcurrentHashMap<>();
    volatile Promise<Void> gate = Promise.promise();

    @Override
    public Future<Void> put(String userId, String sessionId, String sha256, byte[] bytes) {
      return gate.future().map(v -> kept.put(sessionId + "/" + sha256, bytes)).mapEmpty();
    }

    @Override
    public Future<Optional<byte[]>> get(String userId, String sessionId, String sha256) {
      return Future.succeededFuture(Optional.ofNullable(kept.get(sessionId + "/" + sha256)));
    }

    @Override
    public Future<Void> remove(String userId, String sessionId, Collection<String> sha256s) {
      for (String sha256 : sha256s) {
        kept.remove(sessionId + "/" + sha256);
        removes
            .computeIfAbsent(sessionId + "/" + sha256, k -> new AtomicInteger())
            .incrementAndGet();
      }
      return Future.succeededFuture();
    }
  }

  /**
   * Kept artifact bytes (a hibernating instance keeps them on its disk) go with their session,
   * even those an upload kept while the session was being released: the release drops what the
   * session's record names, and that upload's artifact was not in it yet.
   */
  @Test
  void artifactBytesKeptBeforeOrWhileASessionIsReleasedGoWithIt() throws Exception {
    GatedStore store = new GatedStore();
    SessionManager sessions =
        manager(
            Duration.ofHours(1), Duration.ofHours(1), 100, new LocalCluster("self:1", 100, store));
    String sha256 = "ab".repeat(32);

    // Kept and recorded, then released.
    store.gate.complete();
    Session before = open(sessions);
    sessions
        .recorder()
        .keepArtifact(before, "jars/a.jar", sha256, new byte[] {1})
        .await(30, TimeUnit.SECONDS);
    assertThat(store.kept).as("bytes kept for an open session").hasSize(1);
    sessions.close(before.key(), false).await(30, TimeUnit.SECONDS);
    assertThat(store.kept).as("bytes kept for a session released after its upload").isEmpty();
    assertThat(store.removes.get(before.sessionId() + "/" + sha256))
        .as("removes of its bytes (its stored and its local record both name them)")
        .hasValue(1);

    // Released while its upload is being kept.
    store.gate = Promise.promise();
    Session during = open(sessions);
    Future<Void> keeping =
        sessions.recorder().keepArtifact(during, "jars/a.jar", sha256, new byte[] {1});
    sessions.close(during.key(), false).await(30, TimeUnit.SECONDS);
    store.gate.complete();
    keeping.transform(done -> Future.succeededFuture()).await(30, TimeUnit.SECONDS);
    assertThat(store.kept).as("bytes kept for a session released during its upload").isEmpty();
  }

  /**
   * A close may wait seconds for its session's interrupted work; meanwhile the pool of short calls
   * (here, setting up a session) still serves every other session.
   */
  @Test
  void slowClosesDoNotHoldUpOtherSessionsCalls() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1));
    List<Session> closing = List.of(open(sessions), open(sessions), open(sessions));
    closeGate = new CountDownLatch(1);
    List<Future<Optional<Session>>> closed =
        closing.stream().map(s -> sessions.close(s.key(), false)).toList();

    Session other = open(sessions); // waits at most 30 s

    assertThat(closed)
        .as("closes done while their sessions' work goes on")
        .noneMatch(Future::isComplete);
    assertThat(other.isClosed()).isFalse();
    closeGate.countDown();
    for (Future<Optional<Session>> close : closed) {
      close.await(30, TimeUnit.SECONDS);
    }
    for (Session session : closing) {
      assertThat(closesOf(session)).isEqualTo(1);
    }
  }

  @Test
  void aReleasedSessionIsClosedOnce() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1));
    Session session = open(sessions);

    sessions.close(session.key(), false).await(30, TimeUnit.SECONDS);
    sessions.close(session.key(), false).await(30, TimeUnit.SECONDS);

    assertThat(closesOf(session)).isEqualTo(1);
    assertThat(session.isClosed()).isTrue();
  }

  @Test
  void anExpiredSessionIsClosed() throws Exception {
    SessionManager sessions = manager(Duration.ZERO);
    Session session = open(sessions);
    Thread.sleep(5); // idle for longer than its (zero) timeout

    sessions.expireIdle();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closesOf(session) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closesOf(session)).isEqualTo(1);
    assertThat(sessions.find(session.key())).isEmpty();
  }

  @Test
  void aDiscardedSessionIsClosed() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1));
    Session session = open(sessions);

    sessions.recorder().discard(session, new IllegalStateException("the store did not answer"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closesOf(session) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closesOf(session)).isEqualTo(1);
  }

  @Test
  void anIdleSessionHibernatesAndItsNextCallRebuildsItUnderTheSameServerSideId() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1), Duration.ofMillis(1));
    Session session = open(sessions);
    Thread.sleep(5); // idle for longer than hibernateAfter

    sessions.hibernateIdle();

    awaitCloses(session, 1);
    assertThat(session.isHibernated()).isTrue();
    assertThat(sessions.find(session.key())).isEmpty();
    assertThat(sessions.live()).isEmpty();
    assertThat(sessions.hibernations()).isEqualTo(1);

    Session woken = open(sessions, session.sessionId());
    assertThat(woken).isNotSameAs(session);
    assertThat(woken.serverSideSessionId()).isEqualTo(session.serverSideSessionId());
    assertThat(woken.isHibernated()).isFalse();
    assertThat(sessions.find(session.key())).containsSame(woken);
    assertThat(sessions.wakes()).isEqualTo(1);
    assertThat(sessions.takeovers()).isZero();
    assertThat(closesOf(session)).as("the woken session's Spark side is up").isEqualTo(1);
  }

  @Test
  void aSessionInUseOrHoldingWhatOnlyMemoryHoldsStaysUp() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1), Duration.ofMillis(200));
    Session used = open(sessions);
    Session holdingModels = open(sessions);
    holding.put(holdingModels.sessionId(), "ML models");
    Session unkept = open(sessions);
    unkept.heldUnkeptArtifact();
    Session witness = open(sessions); // idle and holding nothing: shows that the pass ran
    Thread.sleep(250);
    assertThat(used.touch()).isTrue();

    sessions.hibernateIdle();
    awaitCloses(witness, 1);
    Thread.sleep(100); // the pass visits the sessions one after another, on one worker

    assertThat(sessions.live()).containsExactlyInAnyOrder(used, holdingModels, unkept);
    assertThat(sessions.hibernations()).isEqualTo(1);
    assertThat(List.of(used, holdingModels, unkept)).allMatch(s -> closesOf(s) == 0);
  }

  @Test
  void withoutHibernationNothingHibernates() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1), Duration.ZERO);
    Session session = open(sessions);
    Thread.sleep(5);

    sessions.hibernateIdle();
    Thread.sleep(100);

    assertThat(sessions.live()).containsExactly(session);
    assertThat(closesOf(session)).isZero();
  }

  @Test
  void beyondTheMostSessionsAwakeANewOneIsRefusedUntilOneHibernates() throws Exception {
    SessionManager sessions = manager(Duration.ofHours(1), Duration.ofMillis(200), 2);
    Session first = open(sessions);
    Session second = open(sessions);

    Throwable refused = catchThrowable(() -> open(sessions));
    assertThat(refused).isInstanceOf(RpcFailure.class);
    ErrorStatus status = ((RpcFailure) refused).status();
    assertThat(status.code()).isEqualTo(ErrorStatus.RESOURCE_EXHAUSTED);
    assertThat(status.message())
        .contains("holds 2 sessions awake")
        .contains("vxconnect.session.maxSessions = 2");
    assertThat(Status.parseFrom(status.details()).getDetailsList())
        .as("a RetryInfo")
        .anyMatch(detail -> detail.is(RetryInfo.class));
    assertThat(open(sessions, first.sessionId())).as("a session awake is served").isSameAs(first);

    Thread.sleep(250); // both idle for longer than hibernateAfter
    sessions.hibernateIdle();
    awaitCloses(first, 1);
    awaitCloses(second, 1);
    Session third = open(sessions);
    assertThat(third.isHibernated()).isFalse();
    Session woken = open(sessions, first.sessionId());
    assertThat(woken.serverSideSessionId()).isEqualTo(first.serverSideSessionId());
    Throwable wakeRefused = catchThrowable(() -> open(sessions, second.sessionId()));
    assertThat(wakeRefused).as("waking a third").isInstanceOf(RpcFailure.class);
    assertThat(((RpcFailure) wakeRefused).status().code())
        .isEqualTo(ErrorStatus.RESOURCE_EXHAUSTED);
  }
}
