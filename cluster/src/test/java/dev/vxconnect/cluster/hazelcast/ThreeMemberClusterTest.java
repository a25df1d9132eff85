package dev.vxconnect.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.SessionCounts.Claim;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.testkit.FreePort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One in-process cluster of three members (shared by the cases, each on users and ids of its
 * own): the sessions per user are counted cluster-wide, even when every member claims at once;
 * the closed ids stay within their bound however many members keep them; a record expires only
 * if nobody changed it, and its share is listed by the member that keeps it.
 */
class ThreeMemberClusterTest {

  /** Two per partition with Hazelcast's 271 partitions. */
  private static final int TOMBSTONES = 542;

  private static Vertx vertx;
  private static WorkerExecutor workers;
  private static final List<HazelcastCluster> members = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("three-members", 8);
    List<Integer> ports = List.of(FreePort.find(), FreePort.find(), FreePort.find());
    String name = "three-" + UUID.randomUUID();
    for (int port : ports) {
      members.add(
          HazelcastCluster.start(
              LoopbackMember.member(name, port, ports), TOMBSTONES, workers, Optional.empty()));
    }
    assertThat(members.get(0).size()).isEqualTo(3);
  }

  @AfterAll
  static void stop() {
    members.forEach(HazelcastCluster::close);
    vertx.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aUsersSessionsAreCountedOverEveryMember() throws Exception {
    int limit = 3;
    // Every member claims ten sessions of one user at once: exactly the limit are granted.
    List<Future<Claim>> claims = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      claims.add(members.get(i % 3).sessionCounts().claim("racer", id, limit));
    }
    List<String> granted = new ArrayList<>();
    for (int i = 0; i < claims.size(); i++) {
      Claim claim = await(claims.get(i));
      if (claim.granted()) {
        granted.add(ids.get(i));
      } else {
        assertThat(claim.held()).isEqualTo(limit);
      }
    }
    assertThat(granted).hasSize(limit);
    assertThat(await(members.get(2).sessionCounts().held("racer"))).isEqualTo(limit);
    // A counted session is granted again on any member; a released one frees its place anywhere.
    assertThat(await(members.get(1).sessionCounts().claim("racer", granted.get(0), limit)))
        .isEqualTo(new Claim(true, limit));
    await(members.get(2).sessionCounts().release("racer", granted.get(1)));
    assertThat(await(members.get(0).sessionCounts().claim("racer", "again", limit)))
        .isEqualTo(new Claim(true, limit));
    assertThat(await(members.get(0).sessionCounts().claim("racer", "one-more", limit)).granted())
        .isFalse();
    assertThat(await(members.get(1).sessionCounts().claim("other", "one-more", limit)).granted())
        .as("another user")
        .isTrue();
    // Taken over: counted beyond the limit, since the session exists already.
    await(members.get(1).sessionCounts().adopt("racer", "taken-over"));
    assertThat(await(members.get(0).sessionCounts().held("racer"))).isEqualTo(limit + 1);
    assertThat(await(members.get(0).records(10)).sessionsPerUser()).containsEntry("racer", 4);
  }

  @Test
  void closedIdsStayWithinTheirBoundOverEveryMember() throws Exception {
    int bound = HazelcastCluster.tombstoneBound(TOMBSTONES, 271);
    assertThat(bound).isEqualTo(TOMBSTONES);
    List<Future<Void>> closing = new ArrayList<>();
    for (int i = 0; i < TOMBSTONES * 4; i++) {
      closing.add(
          members.get(i % 3).sessions().close("closer", UUID.randomUUID().toString(), false));
    }
    await(Future.all(closing));
    int kept = await(members.get(0).sessions().tombstoneCount());
    assertThat(kept).as("closed ids kept").isPositive().isLessThanOrEqualTo(bound);
    assertThat(await(members.get(1).records(0)).tombstones()).isEqualTo(kept);
    assertThat(await(members.get(1).records(0)).tombstoneBound()).isEqualTo(bound);
  }

  @Test
  void aRecordExpiresOnlyUnchangedAndEachMemberListsItsShare() throws Exception {
    List<SessionRecord> records = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      SessionRecord record =
          SessionRecord.newBuilder()
              .setUserId("expiring")
              .setSessionId(UUID.randomUUID().toString())
              .setOwner("gone")
              .build();
      records.add(await(members.get(i % 3).sessions().create(record)));
    }
    List<SessionRecord> shares = new ArrayList<>();
    for (HazelcastCluster member : members) {
      List<SessionRecord> share = await(member.sessions().local());
      share.stream().filter(r -> r.getUserId().equals("expiring")).forEach(shares::add);
    }
    assertThat(shares).as("every record in exactly one share").hasSameElementsAs(records);
    assertThat(shares).hasSameSizeAs(records);

    SessionRecord taken = records.get(0);
    SessionRecord mine = taken.toBuilder().setOwner("survivor").build();
    assertThat(await(members.get(1).sessions().replace(taken, mine))).isTrue();
    assertThat(await(members.get(2).sessions().expire(taken))).as("taken over first").isFalse();
    assertThat(await(members.get(0).sessions().get("expiring", taken.getSessionId())))
        .contains(mine);
    assertThat(await(members.get(0).sessions().isClosed("expiring", taken.getSessionId())))
        .isFalse();

    SessionRecord orphan = records.get(1);
    assertThat(await(members.get(2).sessions().expire(orphan))).isTrue();
    assertThat(await(members.get(0).sessions().get("expiring", orphan.getSessionId()))).isEmpty();
    assertThat(await(members.get(1).sessions().isClosed("expiring", orphan.getSessionId())))
        .as("an expired id is closed")
        .isTrue();
    assertThat(
            await(
                members
                    .get(1)
                    .sessions()
                    .replace(orphan, mine.toBuilder().setSessionId(orphan.getSessionId()).build())))
        .as("too late to take it over")
        .isFalse();
  }

  @Test
  void eachMemberSeesTheOperationsTheOthersPublish() throws Exception {
    members.get(0).operationCounts().publish("runner", 2);
    members.get(1).operationCounts().publish("runner", 1);
    awaitElsewhere(2, "runner", 3);
    awaitElsewhere(0, "runner", 1);
    awaitElsewhere(1, "runner", 2);
    members.get(0).operationCounts().publish("runner", 0);
    awaitElsewhere(2, "runner", 1);
    awaitElsewhere(1, "runner", 0);
    assertThat(members.get(2).operationCounts().elsewhere("nobody")).isZero();
  }

  /** Waits (up to 10 s) until member {@code index} sees {@code expected} operations elsewhere. */
  private static void awaitElsewhere(int index, String user, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (members.get(index).operationCounts().elsewhere(user) != expected
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(members.get(index).operationCounts().elsewhere(user))
        .as("operations of %s seen by member %d", user, index)
        .isEqualTo(expected);
  }
}
