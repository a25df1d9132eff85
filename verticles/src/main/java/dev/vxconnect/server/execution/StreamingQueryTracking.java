package dev.vxconnect.server.execution;

import com.google.protobuf.ByteString;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import dev.vxconnect.server.session.LogIds;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.StateRecorder;
import io.vertx.core.Future;
import java.util.Optional;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.StreamingQueryInstanceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a session's record of its running streaming queries in step with what their client is
 * told, on the operation's thread, before the response that tells it can be sent: a started query
 * is recorded (with the request that started it when the user chose its checkpoint location, so
 * that another instance can start it again from there), a stopped one is forgotten. Responses to
 * the commands of a query started again after a failover go out under the run id its client knows.
 */
final class StreamingQueryTracking implements ResponseSink {

  /** A start request larger than this is not kept (the query is then reported lost after a failover). */
  static final int MAX_START_REQUEST_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(StreamingQueryTracking.class);

  private final ResponseSink next;
  private final Session session;
  private final ExecutePlanRequest request;
  private final boolean rewritten;
  private final StateRecorder recorder;

  /**
   * @param request the request as run (see StreamingQueries#forThisRun)
   * @param rewritten whether it names another run than the client's request did
   */
  StreamingQueryTracking(
      ResponseSink next,
      Session session,
      ExecutePlanRequest request,
      boolean rewritten,
      StateRecorder recorder) {
    this.next = next;
    this.session = session;
    this.request = request;
    this.rewritten = rewritten;
    this.recorder = recorder;
  }

  /** Whether the request can start or stop a streaming query, or speaks of one (else no tracking is needed). */
  static boolean concerns(ExecutePlanRequest request) {
    return request.getPlan().hasCommand()
        && (request.getPlan().getCommand().hasWriteStreamOperationStart()
            || request.getPlan().getCommand().hasStreamingQueryCommand());
  }

  /**
   * Whether the request is a StreamingQueryCommand that changes nothing: status, progress,
   * exception, explain, or waiting (awaitTermination, processAllAvailable). Run twice, it answers
   * from the query as it is then.
   */
  static boolean asksOnly(ExecutePlanRequest request) {
    if (!request.getPlan().hasCommand()
        || !request.getPlan().getCommand().hasStreamingQueryCommand()) {
      return false;
    }
    return switch (request.getPlan().getCommand().getStreamingQueryCommand().getCommandCase()) {
      case STATUS,
          LAST_PROGRESS,
          RECENT_PROGRESS,
          EXCEPTION,
          EXPLAIN,
          AWAIT_TERMINATION,
          PROCESS_ALL_AVAILABLE ->
          true;
      default -> false;
    };
  }

  @Override
  public void send(ExecutePlanResponse response) {
    if (response.hasWriteStreamOperationStartResult()) {
      await(
          recorder.recordStreamingQuery(
              session, record(response.getWriteStreamOperationStartResult().getQueryId())));
    } else if (response.hasStreamingQueryCommandResult()) {
      if (request.getPlan().getCommand().getStreamingQueryCommand().getStop()) {
        await(
            recorder.forgetStreamingQuery(
                session, response.getStreamingQueryCommandResult().getQueryId().getId()));
      }
      if (rewritten) {
        response = session.streamingQueries().asClientKnowsIt(response);
      }
    }
    next.send(response);
  }

  private StreamingQueryRecord record(StreamingQueryInstanceId query) {
    StreamingQueryRecord.Builder record =
        StreamingQueryRecord.newBuilder().setQueryId(query.getId()).setRunId(query.getRunId());
    Optional<String> checkpoint = session.context().streamingCheckpoint(request);
    if (checkpoint.isEmpty()) {
      record.setNotRestartable(
          "it had no checkpoint location of the user's (the writer's checkpointLocation"
              + " option, or spark.sql.streaming.checkpointLocation with a query name), so no other instance can"
              + " go on from where it was");
    } else if (request.getSerializedSize() > MAX_START_REQUEST_BYTES) {
      record.setNotRestartable(
          "the request that started it was larger than "
              + MAX_START_REQUEST_BYTES
              + " bytes, more than is kept to start it again");
    } else {
      record.setStartRequest(ByteString.copyFrom(request.toByteArray()));
    }
    return record.build();
  }

  /**
   * Waits for the record to be stored. When it cannot be, the answer still goes out (the query did
   * start, or stop): it is logged, and the record stays as it was, so such a query does not survive
   * its instance (or a stopped one may be started again once).
   */
  private void await(Future<Void> stored) {
    try {
      ClusterWrites.await(stored);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LogIds.of(LOG.atWarn(), session)
          .log(
              "Session {}: its record of streaming queries could not be updated: {}",
              session.sessionId(),
              e.toString());
    }
  }

  @Override
  public void holding(long deltaBytes) {
    next.holding(deltaBytes);
  }

  @Override
  public void reproducible(boolean maybe) {
    next.reproducible(maybe);
  }
}
