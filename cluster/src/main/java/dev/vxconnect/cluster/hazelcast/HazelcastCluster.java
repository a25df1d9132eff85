package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import com.hazelcast.config.YamlConfigBuilder;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.SessionStore;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The instances as one Hazelcast cluster: each embeds a member (TCP-IP discovery, no multicast),
 * sessions, tombstones and artifacts live in IMaps with one backup, and member attributes tell
 * instance ids, gRPC and admin addresses. Blocking Hazelcast calls run on the given worker executor.
 */
public final class HazelcastCluster implements Cluster {

  static final String SESSIONS = "vxconnect.sessions";
  static final String CLOSED = "vxconnect.closed-sessions";
  static final String ARTIFACTS = "vxconnect.artifacts";
  static final String OPERATIONS = "vxconnect.operations";
  /** Operation records outlive any reattach (released ones are removed at once). */
  private static final long OPERATION_TTL_SECONDS = 24 * 3600;
  private static final String INSTANCE = "vxconnect.instance";
  private static final String ADDRESS = "vxconnect.address";
  private static final String ADMIN_ADDRESS = "vxconnect.admin-address";

  private final HazelcastInstance hazelcast;
  private final ClusterOptions options;
  private final SessionStore sessions;
  private final ArtifactStore artifacts;
  private final OperationRegistry operations;
  private final Membership membership;

  private HazelcastCluster(HazelcastInstance hazelcast, ClusterOptions options, WorkerExecutor blocking) {
    this.hazelcast = hazelcast;
    this.options = options;
    this.sessions = new HazelcastSessionStore(hazelcast, blocking);
    this.operations = new HazelcastOperationRegistry(hazelcast, blocking, OPERATION_TTL_SECONDS);
    this.artifacts = new HazelcastArtifactStore(hazelcast, blocking, options.maxReplicatedArtifactBytes());
    this.membership = new Membership() {
      @Override
      public String self() {
        return options.instanceId();
      }

      @Override
      public Optional<String> address(String instanceId) {
        return attribute(instanceId, ADDRESS);
      }

      @Override
      public List<String> instances() {
        return hazelcast.getCluster().getMembers().stream().map(m -> m.getAttribute(INSTANCE)).toList();
      }

      @Override
      public Optional<String> adminAddress(String instanceId) {
        return attribute(instanceId, ADMIN_ADDRESS);
      }
    };
  }

  /** An attribute of the live member that is instance {@code instanceId} (a local view: no remote call). */
  private Optional<String> attribute(String instanceId, String name) {
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (instanceId.equals(member.getAttribute(INSTANCE))) {
        return Optional.ofNullable(member.getAttribute(name));
      }
    }
    return Optional.empty();
  }

  /** Starts this instance's member and joins the others (blocks until it has joined). */
  public static HazelcastCluster start(ClusterOptions options, int tombstones, WorkerExecutor blocking) {
    return new HazelcastCluster(Hazelcast.newHazelcastInstance(config(options, tombstones)), options, blocking);
  }

  static Config config(ClusterOptions options, int tombstones) {
    Config config;
    try {
      config = options.configFile().isPresent()
          ? new YamlConfigBuilder(options.configFile().get().toString()).build() : new Config();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + options.configFile().get(), e);
    }
    config.setClusterName(options.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The server's own graceful stop hands its sessions over through the maps and then leaves
    // gracefully (partitions migrated first): Hazelcast's hook would terminate the member on
    // SIGTERM before that, losing the records whose only other copy was moving.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
    // Fast failure detection: a killed instance's sessions are taken over within seconds.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(options.memberTimeoutSeconds()));
    config.getNetworkConfig().setPort(options.port()).setPortAutoIncrement(false);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    config.getMemberAttributeConfig()
        .setAttribute(INSTANCE, options.instanceId())
        .setAttribute(ADDRESS, options.advertisedAddress());
    options.adminAddress().ifPresent(admin ->
        config.getMemberAttributeConfig().setAttribute(ADMIN_ADDRESS, admin));
    config.addMapConfig(replicated(SESSIONS));
    config.addMapConfig(replicated(ARTIFACTS));
    config.addMapConfig(replicated(OPERATIONS));
    config.addMapConfig(replicated(CLOSED).setEvictionConfig(new EvictionConfig()
        .setEvictionPolicy(EvictionPolicy.LRU)
        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
        .setSize(Math.max(1, tombstones))));
    return config;
  }

  /**
   * One backup; after a network partition heals, the side that wrote an entry last wins (a
   * session served on both sides keeps its latest record). No quorum is enforced: a lone survivor
   * must keep serving.
   */
  private static MapConfig replicated(String name) {
    return new MapConfig(name).setBackupCount(1).setPerEntryStatsEnabled(true)
        .setMergePolicyConfig(new MergePolicyConfig(LatestUpdateMergePolicy.class.getName(),
            MergePolicyConfig.DEFAULT_BATCH_SIZE));
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public ArtifactStore artifacts() {
    return artifacts;
  }

  @Override
  public OperationRegistry operations() {
    return operations;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public boolean isDistributed() {
    return true;
  }

  /** Members now in the cluster. */
  public int size() {
    return hazelcast.getCluster().getMembers().size();
  }

  @Override
  public void close() {
    hazelcast.shutdown();
  }

  @Override
  public String toString() {
    return "HazelcastCluster{" + options.name() + ", members=" + size() + "}";
  }
}
