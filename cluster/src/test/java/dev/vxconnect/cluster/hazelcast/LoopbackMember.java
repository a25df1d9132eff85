package dev.vxconnect.cluster.hazelcast;

import dev.vxconnect.cluster.ClusterOptions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Options of a one-member test cluster on a loopback port, under a cluster name of its own. */
final class LoopbackMember {

  private LoopbackMember() {}

  static ClusterOptions options(int port) {
    return new ClusterOptions(
        true,
        "test-" + UUID.randomUUID(),
        port,
        List.of("127.0.0.1:" + port),
        "test",
        "127.0.0.1:1",
        Optional.empty(),
        Optional.empty(),
        5,
        64L << 20);
  }
}
