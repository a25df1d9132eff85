package dev.vxconnect.server.session;

import dev.vxconnect.planner.ServerError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.StreamingQueryCommand;
import org.apache.spark.connect.proto.StreamingQueryInstanceId;

/**
 * The streaming queries of a session taken over here whose client still holds a handle on their
 * previous run: a query started again from its checkpoint keeps its id but runs under a new run id,
 * while the client's handle (status, lastProgress, awaitTermination, stop...) names the run it
 * started. Its commands are served by the new run, and answered under the client's run id; the
 * commands for a query that could not be started again fail with
 * VXCONNECT_FAILOVER.STREAMING_QUERY_LOST instead of "query not found".
 */
public final class StreamingQueries {

  /** The run the client's handle names, and the one serving it here. */
  private record Restarted(String clientRunId, String runId) {}

  /** Why a query could not be started again, for the run the client's handle names. */
  private record Lost(String clientRunId, String why) {}

  private final Map<String, Restarted> restarted = new ConcurrentHashMap<>();
  private final Map<String, Lost> lost = new ConcurrentHashMap<>();

  void restarted(String queryId, String clientRunId, String runId) {
    restarted.put(queryId, new Restarted(clientRunId, runId));
  }

  void lost(String queryId, String clientRunId, String why) {
    lost.put(queryId, new Lost(clientRunId, why));
  }

  /** The queries started again here, by id. */
  public int restartedCount() {
    return restarted.size();
  }

  /**
   * The request as this instance runs it: a StreamingQueryCommand for a query started again here
   * names its new run.
   *
   * @throws ServerError VXCONNECT_FAILOVER.STREAMING_QUERY_LOST for a query that was not
   */
  public ExecutePlanRequest forThisRun(ExecutePlanRequest request) {
    if (restarted.isEmpty() && lost.isEmpty()) {
      return request;
    }
    if (!request.getPlan().hasCommand()
        || !request.getPlan().getCommand().hasStreamingQueryCommand()) {
      return request;
    }
    StreamingQueryCommand command = request.getPlan().getCommand().getStreamingQueryCommand();
    StreamingQueryInstanceId query = command.getQueryId();
    Lost gone = lost.get(query.getId());
    if (gone != null && gone.clientRunId().equals(query.getRunId())) {
      throw ServerError.streamingQueryLost(query.getId(), gone.why());
    }
    Restarted run = restarted.get(query.getId());
    if (run == null || !run.clientRunId().equals(query.getRunId())) {
      return request;
    }
    ExecutePlanRequest.Builder rewritten = request.toBuilder();
    rewritten
        .getPlanBuilder()
        .getCommandBuilder()
        .getStreamingQueryCommandBuilder()
        .getQueryIdBuilder()
        .setRunId(run.runId());
    return rewritten.build();
  }

  /** A response to a command {@link #forThisRun} rewrote, under the run id its client knows. */
  public ExecutePlanResponse asClientKnowsIt(ExecutePlanResponse response) {
    if (restarted.isEmpty() || !response.hasStreamingQueryCommandResult()) {
      return response;
    }
    StreamingQueryInstanceId query = response.getStreamingQueryCommandResult().getQueryId();
    Restarted run = restarted.get(query.getId());
    if (run == null || !run.runId().equals(query.getRunId())) {
      return response;
    }
    ExecutePlanResponse.Builder renamed = response.toBuilder();
    renamed.getStreamingQueryCommandResultBuilder().getQueryIdBuilder().setRunId(run.clientRunId());
    return renamed.build();
  }
}
