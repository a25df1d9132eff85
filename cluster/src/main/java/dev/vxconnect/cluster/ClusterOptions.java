package dev.vxconnect.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How this instance joins the others: the Hazelcast member it embeds and how it is reached; built
 * by the server from its configuration.
 *
 * @param members host:port of the Hazelcast members to join (TCP-IP discovery; no multicast)
 * @param instanceId this instance's id; unique in the cluster
 * @param advertisedAddress host:port at which other instances reach this one's gRPC service
 * @param adminAddress host:port of this instance's admin HTTP service as the others reach it, if
 *     known
 * @param configFile a Hazelcast YAML configuration to start from (conf/hazelcast.yaml)
 * @param memberTimeoutSeconds seconds without a heartbeat after which a member is declared gone
 * @param maxReplicatedArtifactBytes artifact bytes replicated per artifact; larger ones stay with
 *     their first owner only
 */
public record ClusterOptions(
    boolean enabled,
    String name,
    int port,
    List<String> members,
    String instanceId,
    String advertisedAddress,
    Optional<String> adminAddress,
    Optional<Path> configFile,
    int memberTimeoutSeconds,
    long maxReplicatedArtifactBytes) {

  public ClusterOptions {
    members = List.copyOf(members);
  }
}
