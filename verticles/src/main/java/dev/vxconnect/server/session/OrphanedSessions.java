package dev.vxconnect.server.session;

import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires the session records nobody serves: those whose owner is gone (killed, or lost from the
 * cluster) and those handed over by a graceful stop, once the session timeout has passed since
 * their session was last used. The owner's own idle check ({@link SessionManager#expireIdle})
 * cannot do it, and without this a record whose client never came back would stay forever.
 *
 * <p>A dead owner's record does not say when its session was last used (the owner keeps that in
 * memory), so the timeout runs from the later of the record's last access and the moment this
 * instance first saw the owner gone: never earlier than the owner's own check would have closed
 * it. A handed-over record carries its session's last access (set at the hand-over). Each
 * instance looks after its own share of the records ({@link SessionStore#local}); removing one is
 * a compare-and-set, so an instance taking the session over at that moment keeps it.
 */
final class OrphanedSessions {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedSessions.class);

  private final SessionStore store;
  private final Membership membership;
  private final Duration timeout;
  private final Function<SessionRecord, Future<Void>> afterExpiry;

  /** Owners seen gone, since when (as first seen here). */
  private final Map<String, Long> goneSince = new ConcurrentHashMap<>();

  /**
   * @param afterExpiry what else goes with an expired record (its artifacts, its count)
   */
  OrphanedSessions(
      SessionStore store,
      Membership membership,
      Duration timeout,
      Function<SessionRecord, Future<Void>> afterExpiry) {
    this.store = store;
    this.membership = membership;
    this.timeout = timeout;
    this.afterExpiry = afterExpiry;
  }

  /** Expires this instance's share of the orphaned records whose time is up; how many went. */
  Future<Integer> sweep(long nowMs) {
    return store.local().compose(records -> expire(records, nowMs));
  }

  private Future<Integer> expire(List<SessionRecord> records, long nowMs) {
    Set<String> stillGone = new HashSet<>();
    List<Future<Boolean>> expiring = new ArrayList<>();
    for (SessionRecord record : records) {
      String owner = record.getOwner();
      if (!owner.isEmpty() && membership.isAlive(owner)) {
        continue;
      }
      long since = record.getLastAccessMs();
      if (!owner.isEmpty()) {
        stillGone.add(owner);
        since = Math.max(since, goneSince.computeIfAbsent(owner, o -> nowMs));
      }
      if (nowMs - since >= timeout.toMillis()) {
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
                      "Session {} of user {} expired: its owner {} is gone and it was not used for"
                          + " {} (since {} ms ago)",
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
