package dev.vxconnect.server.session;

import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires the session records nobody serves, which the owner's own idle check ({@link
 * SessionManager#expireIdle}) cannot reach, so that a record whose client never comes back does
 * not stay forever:
 *
 * <ul>
 *   <li>whose owner is gone (killed, or lost from the cluster): a session timeout after the later
 *       of the record's last access and the moment this instance first saw the owner gone;
 *   <li>handed over by a graceful stop: a session timeout after the last access the hand-over
 *       wrote into the record;
 *   <li>whose owner is a member but does not hold the session (it restarted under the same
 *       instance id, or dropped the session): once the record's last access is older than the
 *       timeout plus the refresh period, since an owner that holds a session refreshes it ({@link
 *       #refresh}) every quarter of the timeout, busy or idle.
 * </ul>
 *
 * Never earlier than the owner's own check would have closed the session. Each instance looks
 * after its own share of the records ({@link SessionStore#local}); removing one is a
 * compare-and-set, so an instance taking the session over (or an owner refreshing it) at that
 * moment keeps it.
 */
final class OrphanedSessions {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedSessions.class);

  private final SessionStore store;
  private final Membership membership;
  private final Duration timeout;
  private final long refreshMs;
  private final long staleMs;
  private final Predicate<SessionRecord> heldHere;
  private final Function<SessionRecord, Future<Void>> afterExpiry;

  /** Owners seen gone, since when (as first seen here). */
  private final Map<String, Long> goneSince = new ConcurrentHashMap<>();

  /**
   * @param heldHere whether this instance serves the record's session now (never expired here,
   *     whatever its record says: its refresh may have lost a race with another write)
   * @param afterExpiry what else goes with an expired record (its artifacts, its count)
   */
  OrphanedSessions(
      SessionStore store,
      Membership membership,
      Duration timeout,
      Duration maintenanceInterval,
      Predicate<SessionRecord> heldHere,
      Function<SessionRecord, Future<Void>> afterExpiry) {
    this.store = store;
    this.membership = membership;
    this.timeout = timeout;
    this.refreshMs = Math.max(1, timeout.toMillis() / 4);
    // Two rounds of upkeep: a refresh due now may be written only at the next one.
    this.staleMs = timeout.toMillis() + refreshMs + 2 * maintenanceInterval.toMillis();
    this.heldHere = heldHere;
    this.afterExpiry = afterExpiry;
  }

  /**
   * Writes "served now" into the records of the sessions this instance holds whose last access
   * there is older than a quarter of the timeout (compare-and-set: a record changed meanwhile,
   * e.g. taken over by an instance that thought this one gone, is left as it is). The cost is one
   * small write per session per quarter of the timeout.
   */
  void refresh(Collection<Session> held, long nowMs) {
    for (Session session : held) {
      SessionRecord current = session.record();
      if (nowMs - current.getLastAccessMs() < refreshMs) {
        continue;
      }
      SessionRecord next = current.toBuilder().setLastAccessMs(nowMs).build();
      store
          .replace(current, next)
          .onSuccess(
              written -> {
                if (written) {
                  session.refreshed(current, next);
                }
              })
          .onFailure(
              e ->
                  LOG.warn(
                      "Session {} of user {}: could not refresh its record: {}",
                      session.sessionId(),
                      session.userId(),
                      e.toString()));
    }
  }

  /** Expires this instance's share of the orphaned records whose time is up; how many went. */
  Future<Integer> sweep(long nowMs) {
    return store.local().compose(records -> expire(records, nowMs));
  }

  private Future<Integer> expire(List<SessionRecord> records, long nowMs) {
    Set<String> stillGone = new HashSet<>();
    List<Future<Boolean>> expiring = new ArrayList<>();
    for (SessionRecord record : records) {
      if (heldHere.test(record)) {
        continue;
      }
      String owner = record.getOwner();
      long since = record.getLastAccessMs();
      long after = timeout.toMillis();
      if (!owner.isEmpty() && membership.isAlive(owner)) {
        after = staleMs; // not refreshed: its owner does not hold it
      } else if (!owner.isEmpty()) {
        stillGone.add(owner);
        since = Math.max(since, goneSince.computeIfAbsent(owner, o -> nowMs));
      }
      if (nowMs - since >= after) {
        expiring.add(expireOne(record, since));
      }
    }
    goneSince.keySet().retainAll(stillGone);
    return Future.join(expiring)
        .transform(
            done ->
                Future.succeededFuture(
                    (int)
                        expiring.stream()
                            .filter(f -> f.succeeded() && Boolean.TRUE.equals(f.result()))
                            .count()));
  }

  private Future<Boolean> expireOne(SessionRecord record, long idleSince) {
    return store
        .expire(record)
        .compose(
            removed -> {
              if (!removed) {
                return Future.succeededFuture(false); // taken over meanwhile
              }
              LogIds.of(LOG.atInfo(), new SessionKey(record.getUserId(), record.getSessionId()))
                  .log(
                      "Session {} of user {} expired: nobody serves it (owner {}) and it was not"
                          + " used for {} (since {} ms ago)",
                      record.getSessionId(),
                      record.getUserId(),
                      record.getOwner().isEmpty() ? "(handed over)" : record.getOwner(),
                      timeout,
                      System.currentTimeMillis() - idleSince);
              return afterExpiry.apply(record).map(true);
            })
        .onFailure(
            e ->
                LOG.warn(
                    "Session {} of user {}: could not expire its record: {}",
                    record.getSessionId(),
                    record.getUserId(),
                    e.toString()));
  }
}
