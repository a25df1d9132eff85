package dev.vxconnect.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.proto.cluster.SessionRecord;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every SessionStore must do; one subclass per implementation. */
public abstract class SessionStoreContractTest {

  protected static final int TOMBSTONES = 3;

  private SessionStore store;

  /** A fresh, empty store remembering {@link #TOMBSTONES} closed ids. */
  protected abstract SessionStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static SessionRecord record(String user, String session) {
    return SessionRecord.newBuilder()
        .setUserId(user)
        .setSessionId(session)
        .setServerSideSessionId(UUID.randomUUID().toString())
        .setOwner("instance-1")
        .build();
  }

  @Test
  void createThenGet() throws Exception {
    SessionRecord record = record("alice", "s1");
    assertThat(await(store.create(record))).isEqualTo(record);
    assertThat(await(store.get("alice", "s1"))).contains(record);
    assertThat(await(store.get("bob", "s1"))).isEmpty();
  }

  @Test
  void createKeepsTheFirstRecord() throws Exception {
    SessionRecord first = record("alice", "s1");
    await(store.create(first));
    assertThat(await(store.create(record("alice", "s1")))).isEqualTo(first);
  }

  @Test
  void updateReplacesOnlyLiveRecords() throws Exception {
    SessionRecord first = record("alice", "s1");
    await(store.create(first));
    SessionRecord touched = first.toBuilder().setLastAccessMs(42).build();
    await(store.update(touched));
    assertThat(await(store.get("alice", "s1"))).contains(touched);
    await(store.update(record("alice", "never-created")));
    assertThat(await(store.get("alice", "never-created"))).isEmpty();
  }

  @Test
  void closeRemovesAndTombstones() throws Exception {
    await(store.create(record("alice", "s1")));
    await(store.close("alice", "s1", false));
    assertThat(await(store.get("alice", "s1"))).isEmpty();
    assertThat(await(store.isClosed("alice", "s1"))).isTrue();
    assertThat(await(store.isClosed("bob", "s1"))).isFalse();
  }

  @Test
  void closeAllowingReconnectDoesNotTombstone() throws Exception {
    await(store.create(record("alice", "s1")));
    await(store.close("alice", "s1", true));
    assertThat(await(store.isClosed("alice", "s1"))).isFalse();
  }

  @Test
  void replaceIsACompareAndSet() throws Exception {
    SessionRecord first = record("alice", "s1");
    await(store.create(first));
    SessionRecord mine = first.toBuilder().setOwner("instance-2").build();
    SessionRecord theirs = first.toBuilder().setOwner("instance-3").build();
    assertThat(await(store.replace(first, mine))).isTrue();
    assertThat(await(store.replace(first, theirs))).as("a second taker loses").isFalse();
    assertThat(await(store.get("alice", "s1"))).contains(mine);
    assertThat(await(store.replace(record("bob", "none"), mine))).isFalse();
  }

  @Test
  void expireRemovesOnlyAnUnchangedRecordAndTombstonesIt() throws Exception {
    SessionRecord first = record("alice", "s1");
    await(store.create(first));
    SessionRecord changed = first.toBuilder().setOwner("instance-2").build();
    await(store.update(changed));
    assertThat(await(store.expire(first))).as("changed since").isFalse();
    assertThat(await(store.get("alice", "s1"))).contains(changed);
    assertThat(await(store.isClosed("alice", "s1"))).isFalse();
    assertThat(await(store.expire(changed))).isTrue();
    assertThat(await(store.get("alice", "s1"))).isEmpty();
    assertThat(await(store.isClosed("alice", "s1"))).isTrue();
    assertThat(await(store.tombstoneCount())).isEqualTo(1);
  }

  @Test
  void aSingleMemberKeepsEveryRecordLocally() throws Exception {
    SessionRecord a = record("alice", "s1");
    SessionRecord b = record("bob", "s2");
    await(store.create(a));
    await(store.create(b));
    assertThat(await(store.local())).containsExactlyInAnyOrder(a, b);
  }

  protected SessionStore store() {
    return store;
  }

  protected static <T> T awaitResult(Future<T> future) throws Exception {
    return await(future);
  }
}
