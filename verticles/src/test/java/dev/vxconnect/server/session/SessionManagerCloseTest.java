package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.memory.LocalCluster;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.config.SessionOptions;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way a session ends here frees its Spark side, once: released by its client, expired after
 * its idle timeout, dropped after a change that could not be recorded. (What that frees is
 * SessionReleaseTest's subject, in the planner.)
 */
class SessionManagerCloseTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor pool = vertx.createSharedWorkerExecutor("close-test", 2);

  /** How many times each session's Spark side was closed, by session id. */
  private final Map<String, AtomicInteger> closes = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private SessionManager manager(Duration idleTimeout) {
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
        new LocalCluster("self:1", 100),
        new SessionOptions(
            idleTimeout, 100, Duration.ofMinutes(1), 100, 1 << 20, Duration.ZERO, 10),
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
                    closed.incrementAndGet();
                    yield null;
                  }
                  case "userId" -> userId;
                  case "sessionId" -> sessionId;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "context of " + sessionId;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static Session open(SessionManager sessions) throws Exception {
    RequestContext request =
        new RequestContext("user", UUID.randomUUID().toString(), Optional.empty(), Caller.ANYONE);
    return sessions.getOrCreate(request).await(30, TimeUnit.SECONDS);
  }

  private int closesOf(Session session) {
    return closes.get(session.sessionId()).get();
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

    sessions.discard(session, new IllegalStateException("the store did not answer"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closesOf(session) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closesOf(session)).isEqualTo(1);
  }
}
