package dev.vxconnect.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.cluster.SessionStoreContractTest;
import dev.vxconnect.cluster.StateUnavailableException;
import dev.vxconnect.cluster.jdbc.JdbcSettings;
import dev.vxconnect.cluster.jdbc.StateDatabase;
import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster's maps written through to a real PostgreSQL server (started by the test): the
 * session store contract holds, the records outlive every member, a lost database fails changes
 * with StateUnavailableException and nothing else, and members of one cluster must share one
 * database.
 */
class DurableClusterTest extends SessionStoreContractTest {

  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static PostgresServer postgres;
  private static Vertx vertx;
  private static WorkerExecutor workers;
  private final List<HazelcastCluster> members = new ArrayList<>();
  private final List<StateDatabase> databases = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    postgres =
        PostgresServer.start(
            Path.of("target", "postgres-" + UUID.randomUUID()).toAbsolutePath(),
            FreePort.find(),
            PASSWORD);
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("durable-test", 4);
  }

  @AfterAll
  static void stop() {
    vertx.close();
    if (postgres != null) {
      postgres.close();
    }
  }

  @AfterEach
  void leave() {
    members.forEach(HazelcastCluster::close);
    members.clear();
    databases.forEach(StateDatabase::close);
    databases.clear();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String newDatabase() throws Exception {
    String name = "db_" + UUID.randomUUID().toString().replace("-", "");
    postgres.createDatabase(name);
    return name;
  }

  private StateDatabase open(String database) {
    StateDatabase db =
        StateDatabase.open(
            new JdbcSettings(postgres.jdbcUrl(database), PostgresServer.USER, PASSWORD));
    databases.add(db);
    return db;
  }

  /** A member of cluster {@code name} that writes through to {@code database}. */
  private HazelcastCluster member(String name, Optional<StateDatabase> database, int... joinPorts)
      throws Exception {
    int port = FreePort.find();
    List<String> join = new ArrayList<>(List.of("127.0.0.1:" + port));
    for (int p : joinPorts) {
      join.add("127.0.0.1:" + p);
    }
    ClusterOptions options =
        new ClusterOptions(
            true,
            name,
            port,
            join,
            "member-" + port,
            "127.0.0.1:" + port,
            Optional.empty(),
            Optional.empty(),
            5,
            64L << 20);
    HazelcastCluster member = HazelcastCluster.start(options, TOMBSTONES, workers, database);
    members.add(member);
    return member;
  }

  @Override
  protected SessionStore newStore() {
    try {
      return member("contract-" + UUID.randomUUID(), Optional.of(open(newDatabase()))).sessions();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SessionRecord record(String session) {
    return SessionRecord.newBuilder()
        .setUserId("alice")
        .setSessionId(session)
        .setServerSideSessionId(UUID.randomUUID().toString())
        .setOwner("member-a")
        .setCreatedAtMs(1)
        .build();
  }

  @Test
  void recordsOutliveEveryMember() throws Exception {
    String database = newDatabase();
    HazelcastCluster first = member("first-" + UUID.randomUUID(), Optional.of(open(database)));
    SessionRecord kept = record("kept");
    await(first.sessions().create(kept));
    SessionRecord changed = kept.toBuilder().setLastAccessMs(99).build();
    await(first.sessions().update(changed));
    await(first.sessions().create(record("closed")));
    await(first.sessions().close("alice", "closed", false));
    OperationRecord operation =
        OperationRecord.newBuilder()
            .setOperationId("op-1")
            .setUserId("alice")
            .setSessionId("kept")
            .setOwner("member-a")
            .build();
    await(first.operations().put(operation));
    await(first.artifacts().put("alice", "kept", "abc", new byte[] {1, 2, 3}));
    await(first.artifacts().put("alice", "closed", "abc", new byte[] {4}));
    await(first.artifacts().remove("alice", "closed", List.of("abc")));
    first.close();
    members.remove(first);

    // A new cluster (nothing in memory) on the same database: everything comes back as it was.
    HazelcastCluster second = member("second-" + UUID.randomUUID(), Optional.of(open(database)));
    assertThat(await(second.sessions().get("alice", "kept"))).contains(changed);
    assertThat(await(second.sessions().get("alice", "closed"))).isEmpty();
    assertThat(await(second.sessions().isClosed("alice", "closed"))).isTrue();
    assertThat(await(second.sessions().isClosed("alice", "kept"))).isFalse();
    assertThat(await(second.operations().get("op-1"))).contains(operation);
    assertThat(await(second.artifacts().get("alice", "kept", "abc")))
        .hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
    assertThat(await(second.artifacts().get("alice", "closed", "abc"))).isEmpty();
    // The takeover step works on a record read back from the database.
    SessionRecord taken = changed.toBuilder().setOwner("member-b").build();
    assertThat(await(second.sessions().replace(changed, taken))).isTrue();
    assertThat(
            open(database)
                .records(HazelcastCluster.SESSIONS)
                .load(HazelcastSessionStore.key("alice", "kept")))
        .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(taken.toByteArray()));
  }

  @Test
  void aLostDatabaseFailsChangesUntilItIsBack() throws Exception {
    HazelcastCluster member = member("lost-" + UUID.randomUUID(), Optional.of(open(newDatabase())));
    SessionRecord before = record("s");
    await(member.sessions().create(before));
    postgres.stopNow();
    try {
      SessionRecord after = before.toBuilder().setLastAccessMs(7).build();
      assertThatThrownBy(() -> await(member.sessions().update(after)))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(StateUnavailableException.class)
          .hasMessageContaining(postgres.jdbcUrl(""))
          .hasMessageContaining("user " + PostgresServer.USER)
          .hasMessageNotContaining(PASSWORD);
      // The change did not happen, here or anywhere: the record is the acknowledged one.
      assertThat(await(member.sessions().get("alice", "s"))).contains(before);
      assertThatThrownBy(() -> await(member.sessions().create(record("new"))))
          .cause()
          .isInstanceOf(StateUnavailableException.class);
    } finally {
      postgres.startServer();
    }
    // Back by itself: the pool reconnects.
    SessionRecord later = before.toBuilder().setLastAccessMs(8).build();
    await(member.sessions().update(later));
    assertThat(await(member.sessions().get("alice", "s"))).contains(later);
  }

  @Test
  void aMemberWithAnotherDatabaseIsRefused() throws Exception {
    String name = "split-" + UUID.randomUUID();
    HazelcastCluster first = member(name, Optional.of(open(newDatabase())));
    int firstPort = portOf(first);
    StateDatabase other = open(newDatabase());
    assertThatThrownBy(() -> member(name, Optional.of(other), firstPort))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must use the same vxconnect.state.jdbc.url")
        .hasMessageContaining(other.identity());
    assertThatThrownBy(() -> member(name, Optional.empty(), firstPort))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("this instance in none");
    // The refused members left: the first is alone again once it has seen them go.
    long deadline = System.currentTimeMillis() + 30_000;
    while (first.size() > 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(first.size()).isEqualTo(1);
  }

  private int portOf(HazelcastCluster member) {
    return Integer.parseInt(
        member.membership().address(member.membership().self()).orElseThrow().split(":")[1]);
  }

  @Test
  void maintenanceBoundsTheDatabaseCopies() throws Exception {
    String database = newDatabase();
    HazelcastCluster member = member("bounded-" + UUID.randomUUID(), Optional.of(open(database)));
    for (int i = 0; i < TOMBSTONES * 4; i++) {
      await(member.sessions().close("alice", "gone-" + i, false));
    }
    assertThat(open(database).records(HazelcastCluster.CLOSED).keys()).hasSize(TOMBSTONES * 4);
    await(member.maintain());
    assertThat(open(database).records(HazelcastCluster.CLOSED).keys()).hasSize(TOMBSTONES);
  }
}
