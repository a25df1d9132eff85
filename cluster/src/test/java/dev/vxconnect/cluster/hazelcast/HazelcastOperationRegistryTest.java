package dev.vxconnect.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.testkit.FreePort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operation records on a real, single Hazelcast member: stored, read back whole, removed, expired. */
class HazelcastOperationRegistryTest {

  private static Vertx vertx;
  private static WorkerExecutor blocking;
  private static HazelcastInstance member;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    blocking = vertx.createSharedWorkerExecutor("hazelcast-test", 4);
    int port = FreePort.find();
    member =
        Hazelcast.newHazelcastInstance(
            HazelcastCluster.config(LoopbackMember.options(port), 10, Optional.empty()));
  }

  @AfterAll
  static void stop() {
    member.shutdown();
    vertx.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static OperationRecord record(String id) {
    return OperationRecord.newBuilder()
        .setOperationId(id)
        .setUserId("u")
        .setSessionId("s")
        .setOwner("instance-a")
        .setState(OperationRecord.State.RUNNING)
        .setReattachable(true)
        .addTags("t1")
        .setCreatedAtMs(42)
        .build();
  }

  @Test
  void storedRecordsAreReadBackAndRemoved() throws Exception {
    OperationRegistry registry =
        new HazelcastOperationRegistry(member, new Blocking(blocking), 3600);
    String id = UUID.randomUUID().toString();
    assertThat(await(registry.get(id))).isEmpty();
    await(registry.put(record(id)));
    assertThat(await(registry.get(id))).contains(record(id));
    await(registry.remove(id));
    assertThat(await(registry.get(id))).isEmpty();
  }

  @Test
  void recordsExpireAfterTheirTimeToLive() throws Exception {
    OperationRegistry registry = new HazelcastOperationRegistry(member, new Blocking(blocking), 1);
    String id = UUID.randomUUID().toString();
    await(registry.put(record(id)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Optional<OperationRecord> found = await(registry.get(id));
    while (found.isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      found = await(registry.get(id));
    }
    assertThat(found).as("the record 20 s after a 1 s time to live").isEmpty();
  }
}
