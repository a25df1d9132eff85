package dev.vxconnect.cluster.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.cluster.SessionStoreContractTest;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContractTest {

  @Override
  protected SessionStore newStore() {
    return new InMemorySessionStore(TOMBSTONES);
  }

  @Test
  void tombstonesAreBoundedOldestFirst() throws Exception {
    for (int i = 0; i < TOMBSTONES + 2; i++) {
      awaitResult(store().close("alice", "s" + i, false));
    }
    assertThat(awaitResult(store().isClosed("alice", "s0"))).as("oldest forgotten").isFalse();
    assertThat(awaitResult(store().isClosed("alice", "s" + (TOMBSTONES + 1))))
        .as("newest kept")
        .isTrue();
  }
}
