package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.memory.InMemorySessionStore;
import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a record nobody serves expires, and that an owner's refresh keeps its own. */
class OrphanedSessionsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(100);
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final InMemorySessionStore store = new InMemorySessionStore(10);
  private final List<String> expired = new ArrayList<>();
  private final Set<String> alive = new HashSet<>(Set.of("me", "peer"));

  private final Membership membership =
      new Membership() {
        @Override
        public String self() {
          return "me";
        }

        @Override
        public Optional<String> address(String instanceId) {
          return alive.contains(instanceId) ? Optional.of("host:1") : Optional.empty();
        }

        @Override
        public List<String> instances() {
          return List.copyOf(alive);
        }

        @Override
        public Optional<String> adminAddress(String instanceId) {
          return Optional.empty();
        }
      };

  /** Session ids this instance serves now, as the manager would say. */
  private final Set<String> heldHere = new HashSet<>();

  private final OrphanedSessions orphans =
      new OrphanedSessions(
          store,
          membership,
          TIMEOUT,
          INTERVAL,
          record -> heldHere.contains(record.getSessionId()),
          record -> {
            expired.add(record.getSessionId());
            return Future.succeededFuture();
          });

  private SessionRecord stored(String sessionId, String owner, long lastAccessMs) {
    SessionRecord record =
        SessionRecord.newBuilder()
            .setUserId("alice")
            .setSessionId(sessionId)
            .setOwner(owner)
            .setLastAccessMs(lastAccessMs)
            .build();
    store.create(record);
    return record;
  }

  private int sweep(long nowMs) {
    return orphans.sweep(nowMs).result();
  }

  @Test
  void aDeadOwnersRecordExpiresATimeoutAfterTheOwnerWasSeenGone() {
    stored("s1", "dead", 0); // last used long before
    long seen = 1_000_000;
    assertThat(sweep(seen)).isZero();
    assertThat(sweep(seen + TIMEOUT.toMillis() - 1)).isZero();
    assertThat(sweep(seen + TIMEOUT.toMillis())).isEqualTo(1);
    assertThat(expired).containsExactly("s1");
    assertThat(store.get("alice", "s1").result()).isEmpty();
    assertThat(store.isClosed("alice", "s1").result()).as("tombstoned").isTrue();
  }

  @Test
  void aDeadOwnersRecordUsedLaterThanTheOwnerWasSeenGoneWaitsFromItsLastAccess() {
    long seen = 1_000_000;
    stored("s1", "dead", seen + 5_000);
    assertThat(sweep(seen)).isZero();
    assertThat(sweep(seen + TIMEOUT.toMillis())).isZero();
    assertThat(sweep(seen + 5_000 + TIMEOUT.toMillis())).isEqualTo(1);
  }

  @Test
  void aHandedOverRecordExpiresATimeoutAfterItsLastAccess() {
    stored("s1", "", 1_000);
    assertThat(sweep(1_000 + TIMEOUT.toMillis() - 1)).isZero();
    assertThat(sweep(1_000 + TIMEOUT.toMillis())).isEqualTo(1);
  }

  @Test
  void aLiveOwnersRecordExpiresOnlyWhenItWasNotRefreshed() {
    long stale = TIMEOUT.toMillis() + TIMEOUT.toMillis() / 4 + 2 * INTERVAL.toMillis();
    SessionRecord held = stored("held", "me", 0);
    stored("dropped", "peer", 0);
    Session session = new Session(new SessionKey("alice", "held"), held, null, 60_000);
    long now = 0;
    while (now < 3 * stale) {
      now += INTERVAL.toMillis();
      orphans.refresh(List.of(session), now);
      sweep(now);
    }
    assertThat(expired).containsExactly("dropped");
    assertThat(store.get("alice", "held").result()).isPresent();
    assertThat(session.record().getLastAccessMs())
        .as("refreshed a quarter timeout at most ago")
        .isGreaterThanOrEqualTo(now - TIMEOUT.toMillis() / 4);
    assertThat(store.get("alice", "held").result()).contains(session.record());
  }

  @Test
  void aRecordChangedMeanwhileIsNotRefreshedOverTheChange() {
    SessionRecord held = stored("held", "me", 0);
    Session session = new Session(new SessionKey("alice", "held"), held, null, 60_000);
    SessionRecord takenOver = held.toBuilder().setOwner("peer").build();
    store.replace(held, takenOver);
    orphans.refresh(List.of(session), TIMEOUT.toMillis());
    assertThat(store.get("alice", "held").result()).contains(takenOver);
    assertThat(session.record()).isEqualTo(held);
  }

  @Test
  void aSessionServedHereIsNeverExpiredWhateverItsRecordSays() {
    // Its refresh lost a race with another write of the record (e.g. the last use written by
    // a hibernation just before the session woke): the record looks unrefreshed.
    long stale = TIMEOUT.toMillis() + TIMEOUT.toMillis() / 4 + 2 * INTERVAL.toMillis();
    stored("served", "me", 0);
    stored("hibernated", "me", 0);
    heldHere.add("served");

    assertThat(sweep(10 * stale)).isEqualTo(1);

    assertThat(expired).containsExactly("hibernated");
    assertThat(store.get("alice", "served").result()).isPresent();
  }
}
