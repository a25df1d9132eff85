package dev.vxconnect.planner.spark;

import static dev.vxconnect.planner.spark.PrivateFields.field;
import static dev.vxconnect.planner.spark.PrivateFields.read;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.classic.StreamingQueryManager;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.connect.service.SparkConnectStreamingQueryCache;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryListenerBus;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.internal.SessionState;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Frees what a closed session's streaming holds, beyond what Spark's {@code SessionHolder.close}
 * frees, so that nothing of the session stays reachable:
 *
 * <ul>
 *   <li>its queries are stopped (and waited for) and its listeners removed, as Spark does;
 *   <li>its queries are forgotten by Spark's Connect query cache at once: Spark keeps a stopped
 *       query there for an hour, and with it the query's SparkSession;
 *   <li>its streaming listener bus leaves the SparkContext's listener bus: Spark registers one per
 *       session that used streaming and never removes it, so every session that ever streamed
 *       would stay reachable and receive every streaming event of the process.
 * </ul>
 *
 * The last two read private fields of Spark 4.1.2 ({@code SparkConnectStreamingQueryCache.queryCache},
 * {@code SessionState.streamingQueryManager}, {@code StreamingQueryManager.listenerBus});
 * StreamingReleaseTest pins them.
 */
final class StreamingRelease {

  private static final Field QUERY_CACHE =
      field(SparkConnectStreamingQueryCache.class, "queryCache");
  private static final Field STREAMS = field(SessionState.class, "streamingQueryManager");
  private static final Field STREAMS_BUS = field(StreamingQueryManager.class, "listenerBus");

  private StreamingRelease() {}

  static void release(SessionHolder holder) {
    var queries = SparkConnectService$.MODULE$.streamingSessionManager();
    queries.cleanupRunningQueries(holder, true);
    forgetQueries(holder);
    // foreachBatch runners (Python workers) of the session's queries.
    holder.streamingForeachBatchRunnerCleanerCache().cleanUpAll();
    if (holder.streamingServersideListenerHolder().isServerSideListenerRegistered()) {
      holder.streamingServersideListenerHolder().cleanUp();
    }
    streamsIfCreated(holder.session())
        .ifPresent(
            streams -> {
              for (String id : CollectionConverters.asJava(holder.listListenerIds())) {
                scala.Option<StreamingQueryListener> listener = holder.getListener(id);
                if (listener.isDefined()) {
                  streams.removeListener(listener.get());
                }
                holder.removeCachedListener(id);
              }
              StreamingQueryListenerBus bus =
                  (StreamingQueryListenerBus) read(STREAMS_BUS, streams);
              bus.removeAllListeners();
              holder.session().sparkContext().listenerBus().removeListener(bus);
            });
  }

  /**
   * The artifact states (executor-side session ids) of the session's streaming queries, running
   * or stopped, as long as Spark's Connect query cache knows them: each query runs in a clone of
   * the session ({@code StreamExecution.sparkSessionForStream}), whose tasks leave executor state
   * and copies of the session's jars and files of their own.
   */
  static List<String> cloneArtifactStates(SessionHolder holder) {
    ConcurrentMap<?, ?> cache =
        (ConcurrentMap<?, ?>)
            read(QUERY_CACHE, SparkConnectService$.MODULE$.streamingSessionManager());
    List<String> states = new ArrayList<>();
    for (Object value : cache.values()) {
      if (value instanceof SparkConnectStreamingQueryCache.QueryCacheValue query
          && query.userId().equals(holder.userId())
          && query.sessionId().equals(holder.sessionId())
          && query.query() instanceof StreamingQueryWrapper wrapper) {
        states.add(
            wrapper.streamingQuery().sparkSessionForStream().artifactManager().state().uuid());
      }
    }
    return states;
  }

  /** Removes the session's (stopped) queries from Spark's Connect streaming query cache. */
  static void forgetQueries(SessionHolder holder) {
    ConcurrentMap<?, ?> cache =
        (ConcurrentMap<?, ?>)
            read(QUERY_CACHE, SparkConnectService$.MODULE$.streamingSessionManager());
    cache
        .values()
        .removeIf(
            value ->
                value instanceof SparkConnectStreamingQueryCache.QueryCacheValue query
                    && query.userId().equals(holder.userId())
                    && query.sessionId().equals(holder.sessionId())
                    && !query.query().isActive());
  }

  /**
   * The session's streaming query manager if it was ever created: asking {@code session.streams()}
   * would create one (and register its bus) for a session that never streamed.
   */
  static Optional<StreamingQueryManager> streamsIfCreated(SparkSession session) {
    return Optional.ofNullable((StreamingQueryManager) read(STREAMS, session.sessionState()));
  }
}
