package dev.vxconnect.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.cluster.SessionStoreContractTest;
import dev.vxconnect.testkit.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session store contract on a real, single Hazelcast member (a fresh cluster name per test). */
class HazelcastSessionStoreTest extends SessionStoreContractTest {

  private static Vertx vertx;
  private static WorkerExecutor blocking;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    blocking = vertx.createSharedWorkerExecutor("hazelcast-test", 4);
  }

  @AfterAll
  static void stop() {
    Hazelcast.shutdownAll();
    vertx.close();
  }

  @Override
  protected SessionStore newStore() {
    return newStore(TOMBSTONES);
  }

  private static SessionStore newStore(int tombstones) {
    try {
      int port = FreePort.find();
      Config config =
          HazelcastCluster.config(LoopbackMember.options(port), tombstones, Optional.empty());
      // Hazelcast bounds a map per partition (size / partitions each): few partitions keep the
      // bound close to the configured size in a small test.
      config.setProperty("hazelcast.partition.count", "7");
      HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
      return new HazelcastSessionStore(member, new Blocking(blocking), tombstones > 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void tombstonesStayBounded() throws Exception {
    int limit = 70;
    SessionStore store = newStore(limit);
    for (int i = 0; i < limit * 10; i++) {
      awaitResult(store.close("alice", "s" + i, false));
    }
    long remembered = 0;
    for (int i = 0; i < limit * 10; i++) {
      if (awaitResult(store.isClosed("alice", "s" + i))) {
        remembered++;
      }
    }
    assertThat(remembered).as("closed ids remembered").isPositive().isLessThanOrEqualTo(limit);
  }
}
