package dev.vxconnect.server.session;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streaming queries kept in a session's record, for the instance that takes the
 * session over (see StreamingQueryRestarts): at most {@code max} per session; a single instance
 * keeps none, since no other instance will ever rebuild its sessions.
 */
final class StreamingQueryRecords {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingQueryRecords.class);

  private final Cluster cluster;
  private final int max;

  StreamingQueryRecords(Cluster cluster, int max) {
    this.cluster = cluster;
    this.max = max;
  }

  /** Adds the query to the session's record; completes once stored (at once if not kept). */
  Future<Void> add(Session session, StreamingQueryRecord query) {
    if (!cluster.isDistributed()) {
      return Future.succeededFuture();
    }
    return session.withRecord(
        record -> {
          if (record.getStreamingQueriesList().stream()
              .anyMatch(q -> q.getQueryId().equals(query.getQueryId()))) {
            return record;
          }
          if (record.getStreamingQueriesCount() >= max) {
            LogIds.of(LOG.atWarn(), session)
                .log(
                    "Session {}: streaming query {} is not recorded for failover: the"
                        + " session has {} recorded, the most it may have (vxconnect.cluster.maxStreamingQueriesPerSession)",
                    session.sessionId(),
                    query.getQueryId(),
                    record.getStreamingQueriesCount());
            return record;
          }
          return record.toBuilder().addStreamingQueries(query).build();
        },
        cluster.sessions()::update);
  }

  /** Removes the query from the session's record; completes once stored. */
  Future<Void> remove(Session session, String queryId) {
    if (!cluster.isDistributed()) {
      return Future.succeededFuture();
    }
    return session.withRecord(
        record -> {
          List<StreamingQueryRecord> left =
              record.getStreamingQueriesList().stream()
                  .filter(q -> !q.getQueryId().equals(queryId))
                  .toList();
          return left.size() == record.getStreamingQueriesCount()
              ? record
              : record.toBuilder().clearStreamingQueries().addAllStreamingQueries(left).build();
        },
        cluster.sessions()::update);
  }
}
