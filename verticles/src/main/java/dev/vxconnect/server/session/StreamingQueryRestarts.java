package dev.vxconnect.server.session;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.StreamingQueryCommand;
import org.apache.spark.connect.proto.StreamingQueryInstanceId;
import org.apache.spark.connect.proto.WriteStreamOperationStartResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a taken-over session's recorded streaming queries again, after its other changes were
 * replayed, by running the requests that started them: from the checkpoint the user chose, Spark
 * goes on with the query under its id, after the last batch it committed. A query that cannot be
 * started again — no checkpoint of the user's, a start that fails, or a checkpoint this instance
 * does not find (the query would come back under a new id: the storage is not shared) — is
 * reported lost to its client.
 */
final class StreamingQueryRestarts {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingQueryRestarts.class);

  private StreamingQueryRestarts() {}

  /** Starts them on the calling thread (a worker: starting a query blocks). */
  static void restart(SessionRecord record, SessionContext context, StreamingQueries into) {
    SessionKey key = new SessionKey(record.getUserId(), record.getSessionId());
    for (StreamingQueryRecord query : record.getStreamingQueriesList()) {
      String queryId = query.getQueryId();
      if (query.getStartRequest().isEmpty()) {
        lost(key, into, query, query.getNotRestartable());
        continue;
      }
      try {
        ExecutePlanRequest start =
            ExecutePlanRequest.parseFrom(query.getStartRequest().toByteArray());
        AtomicReference<WriteStreamOperationStartResult> started = new AtomicReference<>();
        context.execute(
            start,
            response -> {
              if (response.hasWriteStreamOperationStartResult()) {
                started.set(response.getWriteStreamOperationStartResult());
              }
            },
            Cancellation.NEVER);
        StreamingQueryInstanceId run =
            started.get() == null
                ? StreamingQueryInstanceId.getDefaultInstance()
                : started.get().getQueryId();
        if (!run.getId().equals(queryId)) {
          stop(context, start, run);
          lost(
              key,
              into,
              query,
              "this instance did not find its checkpoint (it would have started as a new"
                  + " query, "
                  + run.getId()
                  + "): its checkpoint location is not on storage every instance shares");
          continue;
        }
        into.restarted(queryId, query.getRunId(), run.getRunId());
        LogIds.of(LOG.atInfo(), key)
            .log(
                "Session {}: streaming query {} started again from its checkpoint"
                    + " (run {}, was {})",
                record.getSessionId(),
                queryId,
                run.getRunId(),
                query.getRunId());
      } catch (Exception e) {
        lost(key, into, query, "starting it again failed: " + e.getMessage());
      }
    }
  }

  private static void lost(
      SessionKey key, StreamingQueries into, StreamingQueryRecord query, String why) {
    into.lost(query.getQueryId(), query.getRunId(), why);
    LogIds.of(LOG.atWarn(), key)
        .log(
            "Session {}: streaming query {} is lost: {}", key.sessionId(), query.getQueryId(), why);
  }

  /** Stops a query that started under another id than the recorded one. */
  private static void stop(
      SessionContext context, ExecutePlanRequest start, StreamingQueryInstanceId run) {
    if (run.getId().isEmpty()) {
      return;
    }
    ExecutePlanRequest stop =
        start.toBuilder()
            .setOperationId(UUID.randomUUID().toString())
            .setPlan(
                Plan.newBuilder()
                    .setCommand(
                        Command.newBuilder()
                            .setStreamingQueryCommand(
                                StreamingQueryCommand.newBuilder().setQueryId(run).setStop(true))))
            .build();
    try {
      context.execute(stop, response -> {}, Cancellation.NEVER);
    } catch (Exception e) {
      LOG.warn("Could not stop streaming query {}: {}", run.getId(), e.toString());
    }
  }
}
