package dev.vxconnect.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Members that come back: a starting member serves only once the cluster is safe, so that
 * losing it the moment it serves loses no record; and two clusters formed apart (a member that
 * found none of the others at start) find each other and merge within seconds, keeping both
 * sides' records.
 */
class MemberRecoveryTest {

  private static final int TOMBSTONES = 542;

  private Vertx vertx;
  private WorkerExecutor workers;
  private final List<HazelcastCluster> started = new ArrayList<>();
  private final String name = "recovery-" + UUID.randomUUID();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("recovery", 8);
  }

  @AfterEach
  void stopAll() {
    for (HazelcastCluster member : started) {
      try {
        member.close();
      } catch (RuntimeException e) {
        // crashed already
      }
    }
    vertx.close();
  }

  @Test
  void aMemberServesOnlyOnceTheClusterIsSafeAndLosingItThenLosesNoRecord() throws Exception {
    int p0 = FreePort.find();
    int p1 = FreePort.find();
    List<Integer> ports = List.of(p0, p1);
    HazelcastCluster survivor = start(p0, ports);
    List<SessionRecord> records = createRecords(survivor, "kept", 5_000);

    HazelcastCluster joiner = start(p1, ports);
    assertThat(instanceOn(p1).getPartitionService().isClusterSafe())
        .as("safe when start returns: no partition migrating, every backup in sync")
        .isTrue();
    instanceOn(p1).getLifecycleService().terminate(); // a crash, not a graceful leave
    started.remove(joiner);

    awaitMembers(survivor, 1);
    List<Future<Optional<SessionRecord>>> kept = new ArrayList<>();
    for (SessionRecord record : records) {
      kept.add(survivor.sessions().get(record.getUserId(), record.getSessionId()));
    }
    await(Future.join(kept));
    for (int i = 0; i < records.size(); i++) {
      assertThat(kept.get(i).result())
          .as("record %s after the loss of the member that had just joined", i)
          .contains(records.get(i));
    }
  }

  @Test
  void twoClustersFormedApartMergeWithinSecondsKeepingBothSidesRecords() throws Exception {
    int a = FreePort.find();
    int b = FreePort.find();
    // a looks for b, which is not up yet: a forms a cluster of its own. b then starts knowing
    // only itself: another cluster of one, with the same name. Only a's periodic search for
    // other clusters can bring them together.
    HazelcastCluster first = start(a, List.of(a, b));
    HazelcastCluster second = start(b, List.of(b));
    assertThat(first.size()).isEqualTo(1);
    assertThat(second.size()).isEqualTo(1);
    List<SessionRecord> onFirst = createRecords(first, "first-side", 200);
    List<SessionRecord> onSecond = createRecords(second, "second-side", 200);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((instanceOn(a).getCluster().getMembers().size() < 2
            || instanceOn(b).getCluster().getMembers().size() < 2)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(instanceOn(a).getCluster().getMembers()).as("merged within 60 s").hasSize(2);
    assertThat(instanceOn(b).getCluster().getMembers()).as("merged within 60 s").hasSize(2);
    // The smaller side's member rejoins and then sends its entries over: wait for them (and ask
    // the instance that runs now, which may be a new one).
    List<SessionRecord> all = new ArrayList<>(onFirst);
    all.addAll(onSecond);
    List<SessionRecord> missing = missingAfterMerge(a, all, deadline);
    assertThat(missing).as("records of either side missing 60 s after the merge began").isEmpty();
  }

  /** The records the merged cluster (asked on {@code port}) does not hold as written by then. */
  private static List<SessionRecord> missingAfterMerge(
      int port, List<SessionRecord> records, long deadline) throws Exception {
    while (true) {
      IMap<String, byte[]> sessions = instanceOn(port).getMap(HazelcastCluster.SESSIONS);
      List<SessionRecord> missing = new ArrayList<>();
      for (SessionRecord record : records) {
        byte[] kept =
            sessions.get(HazelcastSessionStore.key(record.getUserId(), record.getSessionId()));
        if (kept == null || !SessionRecord.parseFrom(kept).equals(record)) {
          missing.add(record);
        }
      }
      if (missing.isEmpty() || System.nanoTime() > deadline) {
        return missing;
      }
      Thread.sleep(200);
    }
  }

  private HazelcastCluster start(int port, List<Integer> join) {
    HazelcastCluster member =
        HazelcastCluster.start(
            LoopbackMember.member(name, port, join), TOMBSTONES, workers, Optional.empty());
    started.add(member);
    return member;
  }

  private List<SessionRecord> createRecords(HazelcastCluster member, String user, int count)
      throws Exception {
    List<SessionRecord> records = new ArrayList<>();
    List<Future<SessionRecord>> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SessionRecord record =
          SessionRecord.newBuilder()
              .setUserId(user)
              .setSessionId(UUID.randomUUID().toString())
              .setOwner("member")
              .build();
      records.add(record);
      created.add(member.sessions().create(record));
      if (created.size() == 500) {
        await(Future.all(created));
        created.clear();
      }
    }
    await(Future.all(created));
    return records;
  }

  /** The Hazelcast member of this JVM listening on {@code port} now. */
  private static HazelcastInstance instanceOn(int port) {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(h -> h.getLifecycleService().isRunning())
        .filter(h -> h.getCluster().getLocalMember().getAddress().getPort() == port)
        .findFirst()
        .orElseThrow();
  }

  private static void awaitMembers(HazelcastCluster member, int size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (member.size() != size && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(member.size()).isEqualTo(size);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
