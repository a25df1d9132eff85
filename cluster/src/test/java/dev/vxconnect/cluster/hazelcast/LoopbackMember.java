package dev.vxconnect.cluster.hazelcast;

import dev.vxconnect.cluster.ClusterOptions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Options of test members on loopback ports. */
final class LoopbackMember {

  private LoopbackMember() {}

  /** A member of a one-member cluster, under a cluster name of its own. */
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

  /** Member {@code port} of cluster {@code name}, which joins the members on {@code join}. */
  static ClusterOptions member(String name, int port, List<Integer> join) {
    return new ClusterOptions(
        true,
        name,
        port,
        join.stream().map(p -> "127.0.0.1:" + p).toList(),
        "member-" + port,
        "127.0.0.1:" + port,
        Optional.empty(),
        Optional.empty(),
        5,
        64L << 20);
  }
}
