package dev.vxconnect.server.rpc;

import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

/**
 * The request preamble, written once: resolve the session, then run the Spark side of the RPC on
 * the worker pool, never on the event loop, with failures mapped in the session's context.
 */
public final class SessionCalls {

  /** Work on a session's Spark side; may block. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Session session) throws Exception;
  }

  private final SessionManager sessions;
  private final WorkerExecutor sparkPool;
  private final Failures failures;

  public SessionCalls(SessionManager sessions, WorkerExecutor sparkPool, Failures failures) {
    this.sessions = sessions;
    this.sparkPool = sparkPool;
    this.failures = failures;
  }

  public SessionManager sessions() {
    return sessions;
  }

  public Failures failures() {
    return failures;
  }

  /** Runs {@code work} on the session, creating it if needed. */
  public <T> Future<T> run(RequestContext request, Work<T> work) {
    return sessions.getOrCreate(request).compose(session -> blocking(session, work));
  }

  /** Runs {@code work} on the session, which must exist. */
  public <T> Future<T> runExisting(RequestContext request, Work<T> work) {
    return sessions.get(request).compose(session -> blocking(session, work));
  }

  /** Runs {@code work} on the worker pool. */
  public <T> Future<T> blocking(Session session, Work<T> work) {
    return inSession(session, sparkPool.executeBlocking(() -> work.apply(session), false));
  }

  /** Runs {@code work} on the session right here (it must not block). */
  public <T> Future<T> now(Session session, Work<T> work) {
    Future<T> done;
    try {
      done = Future.succeededFuture(work.apply(session));
    } catch (Exception e) {
      done = Future.failedFuture(e);
    }
    return inSession(session, done);
  }

  /** Maps a failure of {@code work} with {@code session}'s context. */
  public <T> Future<T> inSession(Session session, Future<T> work) {
    return work.recover(
        e -> Future.failedFuture(new RpcFailure(failures.toStatus(e, session.context()))));
  }
}
