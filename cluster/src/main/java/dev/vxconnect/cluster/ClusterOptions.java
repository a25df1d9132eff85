package dev.vxconnect.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How this instance joins the others: the Hazelcast member it embeds and how it is reached. */
public class ClusterOptions {

  public static final boolean DEFAULT_ENABLED = false;
  public static final String DEFAULT_NAME = "vxconnect";
  public static final int DEFAULT_PORT = 5701;
  /** Seconds without a heartbeat after which a member is declared gone (Hazelcast's own is 60). */
  public static final int DEFAULT_MEMBER_TIMEOUT_SECONDS = 5;
  /** Artifact bytes replicated per artifact; larger ones stay with their first owner only. */
  public static final long DEFAULT_MAX_REPLICATED_ARTIFACT_BYTES = 64L * 1024 * 1024;

  private boolean enabled;
  private String name;
  private int port;
  private List<String> members;
  private String instanceId;
  private String advertisedAddress;
  private String adminAddress;
  private Path configFile;
  private int memberTimeoutSeconds;
  private long maxReplicatedArtifactBytes;

  public ClusterOptions() {
    enabled = DEFAULT_ENABLED;
    name = DEFAULT_NAME;
    port = DEFAULT_PORT;
    members = new ArrayList<>();
    memberTimeoutSeconds = DEFAULT_MEMBER_TIMEOUT_SECONDS;
    maxReplicatedArtifactBytes = DEFAULT_MAX_REPLICATED_ARTIFACT_BYTES;
  }

  public ClusterOptions(ClusterOptions other) {
    enabled = other.enabled;
    name = other.name;
    port = other.port;
    members = new ArrayList<>(other.members);
    instanceId = other.instanceId;
    advertisedAddress = other.advertisedAddress;
    adminAddress = other.adminAddress;
    configFile = other.configFile;
    memberTimeoutSeconds = other.memberTimeoutSeconds;
    maxReplicatedArtifactBytes = other.maxReplicatedArtifactBytes;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public ClusterOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public String getName() {
    return name;
  }

  public ClusterOptions setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  public int getPort() {
    return port;
  }

  public ClusterOptions setPort(int port) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be in [1, 65535]: " + port);
    }
    this.port = port;
    return this;
  }

  /** host:port of the Hazelcast members to join (TCP-IP discovery; no multicast). */
  public List<String> getMembers() {
    return List.copyOf(members);
  }

  public ClusterOptions setMembers(List<String> members) {
    this.members = new ArrayList<>(members);
    return this;
  }

  /** This instance's id; unique in the cluster. */
  public String getInstanceId() {
    return instanceId;
  }

  public ClusterOptions setInstanceId(String instanceId) {
    this.instanceId = instanceId;
    return this;
  }

  /** host:port at which other instances reach this one's gRPC service. */
  public String getAdvertisedAddress() {
    return advertisedAddress;
  }

  public ClusterOptions setAdvertisedAddress(String advertisedAddress) {
    this.advertisedAddress = advertisedAddress;
    return this;
  }

  /** host:port of this instance's admin HTTP service as the others reach it; null if none is known. */
  public String getAdminAddress() {
    return adminAddress;
  }

  public ClusterOptions setAdminAddress(String adminAddress) {
    this.adminAddress = adminAddress;
    return this;
  }

  /** A Hazelcast YAML configuration to start from (conf/hazelcast.yaml), or null. */
  public Path getConfigFile() {
    return configFile;
  }

  public ClusterOptions setConfigFile(Path configFile) {
    this.configFile = configFile;
    return this;
  }

  public int getMemberTimeoutSeconds() {
    return memberTimeoutSeconds;
  }

  public ClusterOptions setMemberTimeoutSeconds(int memberTimeoutSeconds) {
    if (memberTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("memberTimeoutSeconds must be > 0");
    }
    this.memberTimeoutSeconds = memberTimeoutSeconds;
    return this;
  }

  public long getMaxReplicatedArtifactBytes() {
    return maxReplicatedArtifactBytes;
  }

  public ClusterOptions setMaxReplicatedArtifactBytes(long maxReplicatedArtifactBytes) {
    if (maxReplicatedArtifactBytes < 0) {
      throw new IllegalArgumentException("maxReplicatedArtifactBytes must be >= 0");
    }
    this.maxReplicatedArtifactBytes = maxReplicatedArtifactBytes;
    return this;
  }

  @Override
  public String toString() {
    return "ClusterOptions{enabled=" + enabled + ", name=" + name + ", port=" + port + ", members="
        + members + ", instanceId=" + instanceId + ", advertisedAddress=" + advertisedAddress
        + ", adminAddress=" + adminAddress
        + ", configFile=" + configFile + ", memberTimeoutSeconds=" + memberTimeoutSeconds
        + ", maxReplicatedArtifactBytes=" + maxReplicatedArtifactBytes + "}";
  }
}
