package dev.vxconnect.server.session;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.planner.CatalogEffect;
import dev.vxconnect.proto.cluster.StateChange;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what a session is rebuilt from, outside its Spark side: each state change in its record
 * in the cluster's store, its streaming queries, its artifacts' bytes. Only a cluster (failover),
 * or an instance whose sessions hibernate, keeps them: otherwise a session is never rebuilt, and
 * each of these completes at once.
 */
public final class SessionRecorder implements StateRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRecorder.class);

  private final Cluster cluster;
  private final boolean keepsState;
  private final KeptArtifacts artifacts;
  private final StreamingQueryRecords streamingQueries;
  private final WorkerExecutor releasePool;

  /** Takes a session out of those served here if it is the one held for its key. */
  private final Predicate<Session> release;

  SessionRecorder(
      Cluster cluster,
      boolean keepsState,
      KeptArtifacts artifacts,
      StreamingQueryRecords streamingQueries,
      WorkerExecutor releasePool,
      Predicate<Session> release) {
    this.cluster = cluster;
    this.keepsState = keepsState;
    this.artifacts = artifacts;
    this.streamingQueries = streamingQueries;
    this.releasePool = releasePool;
    this.release = release;
  }

  /**
   * Records a change of the session's state in the store; the returned future completes once it
   * is stored, which is when the change may be acknowledged to the client.
   */
  @Override
  public Future<Void> record(Session session, StateChange change) {
    if (!keepsState) {
      return Future.succeededFuture();
    }
    Optional<CatalogEffect> effect = catalogEffect(session, change);
    return session.withRecord(
        record -> CatalogStateRecords.apply(record, change, effect), cluster.sessions()::update);
  }

  /**
   * What a recorded request did to the session's catalog state (asked of its Spark side: the
   * request has just run there, on this worker thread), so that the record keeps what is in force.
   */
  private static Optional<CatalogEffect> catalogEffect(Session session, StateChange change) {
    if (change.getKind() != StateChange.Kind.EXECUTE_PLAN) {
      return Optional.empty();
    }
    try {
      return session
          .context()
          .catalogEffect(ExecutePlanRequest.parseFrom(change.getRequest().toByteArray()));
    } catch (Exception e) {
      LogIds.of(LOG.atWarn(), session)
          .log(
              "Session {}: recorded a change as it came, without its catalog effect: {}",
              session.sessionId(),
              e.toString());
      return Optional.empty();
    }
  }

  @Override
  public Future<Void> recordStreamingQuery(Session session, StreamingQueryRecord query) {
    return streamingQueries.add(session, query);
  }

  @Override
  public Future<Void> forgetStreamingQuery(Session session, String queryId) {
    return streamingQueries.remove(session, queryId);
  }

  /**
   * A change was made in the session's Spark state but could not be recorded (the client hears it
   * failed): this instance drops the session, so that its next call rebuilds it from its record,
   * which holds exactly the changes the client was told succeeded.
   */
  @Override
  public void discard(Session session, Throwable why) {
    if (!release.test(session)) {
      return; // already dropped, or replaced by a newer one
    }
    LogIds.of(LOG.atWarn(), session)
        .log(
            "Session {} of user {}: a change could not be recorded ({}); its state here"
                + " is dropped and will be rebuilt from its record at its next call",
            session.sessionId(),
            session.userId(),
            why.toString());
    // Its other running operations end with it; finished ones keep their answer for their client.
    session.operations().forEach(op -> op.interrupt());
    releasePool.executeBlocking(
        () -> {
          session.context().close();
          return null;
        },
        false);
  }

  /**
   * Whether an artifact of this size is kept (so its bytes should be read for {@link
   * #keepArtifact}): in a cluster up to the replication limit; by a single instance whose sessions
   * hibernate, always (on its local disk).
   */
  public boolean keepsArtifact(long size) {
    return artifacts.keeps(size);
  }

  /**
   * Keeps an artifact's bytes where another instance finds them after a takeover, and records it
   * in the session; complete before the upload is acknowledged.
   */
  public Future<Void> keepArtifact(Session session, String name, String sha256, byte[] bytes) {
    if (!keepsState) {
      return Future.succeededFuture();
    }
    return artifacts
        .put(session, sha256, bytes)
        .compose(
            v ->
                record(
                    session,
                    StateChange.newBuilder()
                        .setKind(StateChange.Kind.ARTIFACT)
                        .setArtifactName(name)
                        .setArtifactSha256(sha256)
                        .build()))
        // A release that ran meanwhile dropped the artifacts its record named then, perhaps not
        // this one. SessionManager#close marks the session closed and then drops what its record
        // names: either that record has this artifact, or this sees the session closed and drops
        // it here.
        .eventually(
            () ->
                session.isClosed()
                    ? artifacts.drop(session.userId(), session.sessionId(), List.of(sha256))
                    : Future.succeededFuture());
  }
}
