package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.ArtifactStore;
import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.ClusterRecords;
import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.cluster.SessionStore;
import dev.vxconnect.cluster.memory.LocalCluster;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingQueryRecordsTest {

  private static final SessionKey KEY =
      new SessionKey("user", "00000000-0000-0000-0000-000000000001");

  /** The in-memory store, as a cluster's: what is recorded can be read back. */
  private static Cluster distributed(LocalCluster local) {
    return new Cluster() {
      @Override
      public SessionStore sessions() {
        return local.sessions();
      }

      @Override
      public SessionCounts sessionCounts() {
        return local.sessionCounts();
      }

      @Override
      public Future<ClusterRecords> records(int max) {
        return local.records(max);
      }

      @Override
      public ArtifactStore artifacts() {
        return local.artifacts();
      }

      @Override
      public OperationRegistry operations() {
        return local.operations();
      }

      @Override
      public Membership membership() {
        return local.membership();
      }

      @Override
      public boolean isDistributed() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  private static Session session(LocalCluster local) {
    SessionRecord record =
        SessionRecord.newBuilder()
            .setUserId(KEY.userId())
            .setSessionId(KEY.sessionId())
            .setOwner("me")
            .build();
    local.sessions().create(record);
    return new Session(KEY, record, null, 60_000);
  }

  private static StreamingQueryRecord query(String id) {
    return StreamingQueryRecord.newBuilder().setQueryId(id).setRunId(id + "-run").build();
  }

  private static List<String> stored(LocalCluster local) {
    return local
        .sessions()
        .get(KEY.userId(), KEY.sessionId())
        .result()
        .orElseThrow()
        .getStreamingQueriesList()
        .stream()
        .map(StreamingQueryRecord::getQueryId)
        .toList();
  }

  @Test
  void eachQueryIsKeptOnceUpToTheLimitUntilItIsForgotten() {
    LocalCluster local = new LocalCluster("me", 10);
    Session session = session(local);
    StreamingQueryRecords records = new StreamingQueryRecords(distributed(local), 2);
    records.add(session, query("a"));
    records.add(session, query("a"));
    records.add(session, query("b"));
    records.add(session, query("c")).toCompletionStage().toCompletableFuture().join();
    assertThat(stored(local)).containsExactly("a", "b");
    records.remove(session, "a").toCompletionStage().toCompletableFuture().join();
    assertThat(stored(local)).containsExactly("b");
    assertThat(session.record().getStreamingQueriesList())
        .extracting(StreamingQueryRecord::getQueryId)
        .containsExactly("b");
  }

  @Test
  void aSingleInstanceKeepsNone() {
    LocalCluster local = new LocalCluster("me", 10);
    Session session = session(local);
    new StreamingQueryRecords(local, 2).add(session, query("a"));
    assertThat(session.record().getStreamingQueriesCount()).isZero();
    assertThat(stored(local)).isEmpty();
  }
}
