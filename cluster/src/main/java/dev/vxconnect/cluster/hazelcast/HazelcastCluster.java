package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.YamlConfigBuilder;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.ClusterRecords;
import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.cluster.jdbc.StateDatabase;
import dev.vxconnect.proto.cluster.UserSessions;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances as one Hazelcast cluster: each embeds a member (TCP-IP discovery, no multicast),
 * sessions, tombstones and artifacts live in IMaps with one backup, and member attributes tell
 * instance ids, gRPC and admin addresses. Blocking Hazelcast calls run on the given worker executor.
 * With a state database, every map is written through to it and read back from it on a miss, so
 * the records outlive the loss of every instance (DESIGN.md section 9).
 */
public final class HazelcastCluster implements Cluster {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastCluster.class);

  static final String SESSIONS = "vxconnect.sessions";
  static final String CLOSED = "vxconnect.closed-sessions";
  static final String ARTIFACTS = "vxconnect.artifacts";
  static final String OPERATIONS = "vxconnect.operations";

  /** Sessions counted per user: live coordination, not durable (DESIGN.md section 10). */
  static final String USER_SESSIONS = "vxconnect.user-sessions";

  /** Each instance's operations per user: live coordination, not durable. */
  static final String USER_OPERATIONS = "vxconnect.user-operations";

  /** Where clients of resumable results stand: live coordination, not durable (DESIGN.md section 10). */
  static final String RESULT_MARKS = "vxconnect.result-marks";

  /** What the members must agree on (not durable: it lives as long as the cluster). */
  static final String SETTINGS = "vxconnect.cluster-settings";

  private static final String STATE_DATABASE = "state-database";

  /**
   * How long a starting member waits for the cluster to be safe before it serves anyway: moving
   * the session records to a new member takes well under a second; a cluster still unsafe after a
   * minute has a member that does not answer, and then serving beats not starting.
   */
  private static final Duration SAFE_WAIT = Duration.ofSeconds(60);

  /** Operation records outlive any reattach (released ones are removed at once). */
  private static final long OPERATION_TTL_SECONDS = 24 * 3600;

  private static final String INSTANCE = "vxconnect.instance";
  private static final String ADDRESS = "vxconnect.address";
  private static final String ADMIN_ADDRESS = "vxconnect.admin-address";

  private final HazelcastInstance hazelcast;
  private final ClusterOptions options;
  private final SessionStore sessions;
  private final SessionCounts sessionCounts;
  private final HazelcastOperationCounts operationCounts;
  private final ArtifactStore artifacts;
  private final OperationRegistry operations;
  private final Membership membership;
  private final Optional<StateDatabase> database;
  private final int tombstones;
  private final Blocking blocking;

  private HazelcastCluster(
      HazelcastInstance hazelcast,
      ClusterOptions options,
      Blocking blocking,
      Optional<StateDatabase> database,
      int tombstones) {
    this.hazelcast = hazelcast;
    this.options = options;
    this.database = database;
    this.tombstones = tombstones;
    this.blocking = blocking;
    this.sessions = new HazelcastSessionStore(hazelcast, blocking, tombstones > 0);
    this.sessionCounts = new HazelcastSessionCounts(hazelcast, blocking);
    this.operations = new HazelcastOperationRegistry(hazelcast, blocking, OPERATION_TTL_SECONDS);
    this.artifacts =
        new HazelcastArtifactStore(hazelcast, blocking, options.maxReplicatedArtifactBytes());
    Membership members =
        new Membership() {
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
            return hazelcast.getCluster().getMembers().stream()
                .map(m -> m.getAttribute(INSTANCE))
                .toList();
          }

          @Override
          public Optional<String> adminAddress(String instanceId) {
            return attribute(instanceId, ADMIN_ADDRESS);
          }

          @Override
          public boolean isSafe() {
            return hazelcast.getPartitionService().isClusterSafe();
          }
        };
    this.membership = members;
    this.operationCounts = new HazelcastOperationCounts(hazelcast, members);
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

  /**
   * Starts this instance's member, joins the others and waits for the cluster to be safe (blocks
   * until then, at most {@link #SAFE_WAIT}).
   *
   * @param database where the maps are written through, if the cluster keeps durable state
   * @throws IllegalStateException if the cluster it joined uses another state database (or none
   *     where this instance has one, or the reverse): its records would split
   */
  public static HazelcastCluster start(
      ClusterOptions options,
      int tombstones,
      WorkerExecutor workers,
      Optional<StateDatabase> database) {
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(config(options, tombstones, database));
    try {
      awaitSafe(member, SAFE_WAIT);
      checkSameDatabase(member, options, database);
    } catch (RuntimeException e) {
      member.getLifecycleService().terminate();
      throw e;
    }
    return new HazelcastCluster(member, options, new Blocking(workers), database, tombstones);
  }

  /**
   * Returns once no partition is migrating and every backup is in sync, so that the loss of any
   * one member loses no record. A member that has just joined takes partitions over from the
   * others; were it to serve, and then be killed, before they are in sync, the records whose copies
   * were on the move would go with it (seen with two members restarted at once, one killed a
   * second after it served its first session). The instance listens only after this.
   */
  static void awaitSafe(HazelcastInstance member, Duration wait) {
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    while (!member.getPartitionService().isClusterSafe()) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn(
            "The cluster is still not safe (partitions migrating or backups out of sync) after {}"
                + " s: serving anyway; losing another member now may lose session records",
            wait.toSeconds());
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the cluster to be safe", e);
      }
    }
    LOG.info(
        "Cluster safe after {} ms ({} members)",
        (System.nanoTime() - start) / 1_000_000,
        member.getCluster().getMembers().size());
  }

  private static void checkSameDatabase(
      HazelcastInstance member, ClusterOptions options, Optional<StateDatabase> database) {
    String mine = database.map(StateDatabase::identity).orElse("none");
    String theirs = member.<String, String>getMap(SETTINGS).putIfAbsent(STATE_DATABASE, mine);
    if (theirs != null && !theirs.equals(mine)) {
      throw new IllegalStateException(
          "The cluster "
              + options.name()
              + " that this instance joined keeps its"
              + " state in "
              + ("none".equals(theirs) ? "no database" : "the database with id " + theirs)
              + ", this instance in "
              + database.map(d -> d.settings().describe() + " (id " + mine + ")").orElse("none")
              + ": every instance of a cluster must use the same vxconnect.state.jdbc.url"
              + " database (or none)");
    }
  }

  static Config config(ClusterOptions options, int tombstones, Optional<StateDatabase> database) {
    Config config;
    try {
      config =
          options.configFile().isPresent()
              ? new YamlConfigBuilder(options.configFile().get().toString()).build()
              : new Config();
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
    // A member that found no other at start, or lost sight of them, forms a cluster of its own;
    // the clusters look for each other and merge (the latest write of each record wins) every
    // few seconds rather than after Hazelcast's 5 and 2 minutes, so that a split serves two
    // views of the sessions as briefly as it can.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Fast failure detection: a killed instance's sessions are taken over within seconds.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", Integer.toString(options.memberTimeoutSeconds()));
    config.getNetworkConfig().setPort(options.port()).setPortAutoIncrement(false);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    config
        .getMemberAttributeConfig()
        .setAttribute(INSTANCE, options.instanceId())
        .setAttribute(ADDRESS, options.advertisedAddress());
    options
        .adminAddress()
        .ifPresent(admin -> config.getMemberAttributeConfig().setAttribute(ADMIN_ADDRESS, admin));
    config.addMapConfig(durable(replicated(SESSIONS), database));
    config.addMapConfig(durable(replicated(ARTIFACTS), database));
    // Records read back from the database after a restart get the same time to live as new ones.
    config.addMapConfig(
        durable(replicated(OPERATIONS), database)
            .setTimeToLiveSeconds((int) OPERATION_TTL_SECONDS));
    config.addMapConfig(replicated(RESULT_MARKS).setTimeToLiveSeconds((int) OPERATION_TTL_SECONDS));
    config.addMapConfig(replicated(USER_SESSIONS));
    config.addMapConfig(replicated(USER_OPERATIONS));
    // Bounded per partition, so that the bound holds for the whole cluster however many members
    // it has (PER_NODE would allow the size on every member). When a partition is full, its least
    // recently used closed id is forgotten: that id could be used again, as in Spark's server,
    // whose cache of closed ids forgets its oldest.
    config.addMapConfig(
        durable(
            replicated(CLOSED)
                .setEvictionConfig(
                    new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_PARTITION)
                        .setSize(tombstonesPerPartition(tombstones, partitions(config)))),
            database));
    return config;
  }

  /** Hazelcast's partition count for this configuration (271 unless set). */
  static int partitions(Config config) {
    return new HazelcastProperties(config).getInteger(ClusterProperty.PARTITION_COUNT);
  }

  /**
   * Closed ids kept per partition: the bound spread evenly, rounded down so that the whole stays
   * within it, and at least one (so a bound below the partition count keeps one per partition).
   */
  static int tombstonesPerPartition(int tombstones, int partitions) {
    return Math.max(1, tombstones / partitions);
  }

  /** The most closed ids the cluster keeps at once for a bound of {@code tombstones}. */
  public static int tombstoneBound(int tombstones, int partitions) {
    return tombstones == 0 ? 0 : tombstonesPerPartition(tombstones, partitions) * partitions;
  }

  /** Writes the map through to the database (write delay 0: before the change is applied). */
  private static MapConfig durable(MapConfig map, Optional<StateDatabase> database) {
    database.ifPresent(
        db ->
            map.setMapStoreConfig(
                new MapStoreConfig()
                    .setEnabled(true)
                    .setImplementation(new DurableMapStore(db.records(map.getName())))
                    .setWriteDelaySeconds(0)));
    return map;
  }

  /**
   * One backup; after a network partition heals, the side that wrote an entry last wins (a
   * session served on both sides keeps its latest record). No quorum is enforced: a lone survivor
   * must keep serving.
   */
  private static MapConfig replicated(String name) {
    return new MapConfig(name)
        .setBackupCount(1)
        .setPerEntryStatsEnabled(true)
        .setMergePolicyConfig(
            new MergePolicyConfig(
                LatestUpdateMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public SessionCounts sessionCounts() {
    return sessionCounts;
  }

  @Override
  public OperationCounts operationCounts() {
    return operationCounts;
  }

  @Override
  public ArtifactStore artifacts() {
    return artifacts;
  }

  /**
   * Reads the maps' keys over the whole cluster (a scan: for the admin API, not for serving).
   * With a state database, only the records Hazelcast holds now are seen.
   */
  @Override
  public Future<ClusterRecords> records(int max) {
    return blocking.call(
        () -> {
          IMap<String, byte[]> sessionMap = hazelcast.getMap(SESSIONS);
          IMap<String, byte[]> artifactMap = hazelcast.getMap(ARTIFACTS);
          IMap<String, byte[]> users = hazelcast.getMap(USER_SESSIONS);
          Map<String, Integer> perUser = new TreeMap<>();
          for (Map.Entry<String, byte[]> user : users.entrySet()) {
            perUser.put(
                user.getKey(), UserSessions.parseFrom(user.getValue()).getSessionIdsCount());
          }
          return new ClusterRecords(
              keys(sessionMap.keySet(), max),
              sessionMap.size(),
              keys(artifactMap.keySet(), max),
              artifactMap.size(),
              hazelcast.getMap(CLOSED).size(),
              tombstoneBound(tombstones, hazelcast.getPartitionService().getPartitions().size()),
              perUser);
        });
  }

  /** Keys split at the separator of {@link HazelcastSessionStore#key}, at most {@code max}. */
  private static List<List<String>> keys(Set<String> keys, int max) {
    List<List<String>> listed = new ArrayList<>();
    for (String key : keys) {
      if (listed.size() == max) {
        break;
      }
      listed.add(List.of(key.split("\u0000")));
    }
    return listed;
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

  /**
   * Forgets the operation counts of instances that are gone, and bounds the database's copies as
   * the maps bound theirs (operation records live a day, closed ids as many as the tombstone
   * limit): expiry and eviction in Hazelcast do not delete from a map store. Done by the oldest
   * member only.
   */
  @Override
  public Future<Void> maintain() {
    if (!hazelcast.getCluster().getMembers().iterator().next().localMember()) {
      return Future.succeededFuture();
    }
    Future<Integer> counts = blocking.call(operationCounts::forgetGone);
    if (database.isEmpty()) {
      return counts.mapEmpty();
    }
    StateDatabase db = database.get();
    return blocking.call(
        () -> {
          int operationsGone =
              db.records(OPERATIONS).deleteOlderThan(Duration.ofSeconds(OPERATION_TTL_SECONDS));
          int closedGone = db.records(CLOSED).keepNewest(Math.max(1, tombstones));
          if (operationsGone + closedGone > 0) {
            LOG.info(
                "State database: deleted {} expired operation record(s) and {} old tombstone(s)",
                operationsGone,
                closedGone);
          }
          return null;
        });
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
    return "HazelcastCluster{"
        + options.name()
        + ", members="
        + size()
        + database.map(d -> ", durable in " + d).orElse("")
        + "}";
  }
}
