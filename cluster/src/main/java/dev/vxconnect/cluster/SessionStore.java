package dev.vxconnect.cluster;

import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where session records live: in memory for a single instance, in Hazelcast for a cluster, so that
 * any instance can find a session, and closed ids stay closed everywhere. Every call is
 * asynchronous: implementations never block the calling event loop.
 */
public interface SessionStore {

  /** The record of a live session. */
  Future<Optional<SessionRecord>> get(String userId, String sessionId);

  /**
   * Stores a new session's record unless one exists for the same (user, session) or the id was
   * closed.
   *
   * @return the record now stored: {@code record} if it was created, else the existing one
   * @throws io.vertx.core.VertxException (failed future) never for a closed id: see {@link #isClosed}
   */
  Future<SessionRecord> create(SessionRecord record);

  /** Replaces a live session's record (after a change of its state). */
  Future<Void> update(SessionRecord record);

  /**
   * Replaces {@code expected} by {@code next} only if the stored record is still {@code expected}:
   * the atomic step that lets exactly one instance take over a session whose owner is gone.
   *
   * @return whether the record was replaced
   */
  Future<Boolean> replace(SessionRecord expected, SessionRecord next);

  /**
   * Removes a session; unless {@code allowReconnect}, its id is remembered as closed (a bounded
   * number of the most recent ones).
   */
  Future<Void> close(String userId, String sessionId, boolean allowReconnect);

  /** Whether the id was closed and may not be reused. */
  Future<Boolean> isClosed(String userId, String sessionId);

  /**
   * Removes a session's record as expired (tombstoned like a closed one) only if it is still
   * {@code expected}: an instance taking the session over at the same moment wins.
   *
   * @return whether the record was removed
   */
  Future<Boolean> expire(SessionRecord expected);

  /**
   * The records this instance keeps its share of (in Hazelcast, those of the partitions this
   * member owns; all of them for a single instance), so that each instance looks after its share
   * of the records whose owner is gone.
   */
  Future<List<SessionRecord>> local();

  /** How many closed ids are remembered now (over the whole cluster). */
  Future<Integer> tombstoneCount();
}
