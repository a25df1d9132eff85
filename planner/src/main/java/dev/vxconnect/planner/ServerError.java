package dev.vxconnect.planner;

import java.util.Map;
import org.apache.spark.BreakingChangeInfo;
import org.apache.spark.SparkThrowable;

/**
 * An error of vxconnect's own, outside Spark's error classes (e.g. about failover), sent to the
 * client the way Spark sends its errors: its condition, SQLSTATE and message reach the client's
 * exception as those of any Spark error.
 */
public final class ServerError extends RuntimeException implements SparkThrowable {

  /** An operation's instance was lost; its results with it. */
  public static final String OPERATION_LOST_IN_FAILOVER = "VXCONNECT_FAILOVER.OPERATION_LOST";

  /** A command completed (it took effect), but its instance was lost before its client heard it. */
  public static final String COMMAND_COMPLETED = "VXCONNECT_FAILOVER.COMMAND_COMPLETED";

  /** A command was still running when its instance was lost: whether it took effect is not known. */
  public static final String COMMAND_INTERRUPTED = "VXCONNECT_FAILOVER.COMMAND_INTERRUPTED";

  /** A streaming query whose instance was lost could not be started again by the session's new instance. */
  public static final String STREAMING_QUERY_LOST = "VXCONNECT_FAILOVER.STREAMING_QUERY_LOST";

  /** The relation case {@code unknown}, which the protocol keeps for tests. */
  public static final String UNKNOWN_RELATION = "VXCONNECT_UNSUPPORTED.UNKNOWN_RELATION";

  /** A resource profile this server's Spark cannot create (e.g. on a local master). */
  public static final String RESOURCE_PROFILE = "VXCONNECT_UNSUPPORTED.RESOURCE_PROFILE";

  private final String condition;
  private final String sqlState;

  public ServerError(String condition, String sqlState, String message) {
    super("[" + condition + "] " + message + " SQLSTATE: " + sqlState, null, false, false);
    this.condition = condition;
    this.sqlState = sqlState;
  }

  /** The operation ran on an instance that stopped; its results cannot be resumed. */
  public static ServerError operationLostInFailover(String operationId, String instance) {
    return new ServerError(
        OPERATION_LOST_IN_FAILOVER,
        "08006",
        "Operation "
            + operationId
            + " was running on instance "
            + instance
            + ", which stopped; the session was taken over by"
            + " another instance and is usable, but this operation's results are lost. Run it again.");
  }

  /**
   * The operation was run again after its instance was lost, to resume its result, but did not give
   * the responses its client already has: resuming would deliver wrong rows, so it stops here.
   */
  public static ServerError resultNotReproduced(String operationId, String why) {
    return new ServerError(
        OPERATION_LOST_IN_FAILOVER,
        "08006",
        "Operation "
            + operationId
            + " was running on an instance that stopped; the session was taken over by another instance"
            + " and is usable, but running the operation again did not reproduce the part of its result"
            + " already received ("
            + why
            + "), so it cannot be resumed without giving wrong rows. Run it"
            + " again.");
  }

  /** A command that had completed when its instance stopped: its effects are in place. */
  public static ServerError commandCompleted(String operationId, String instance) {
    return new ServerError(
        COMMAND_COMPLETED,
        "08006",
        "Command "
            + operationId
            + " completed on instance "
            + instance
            + ", which stopped before its answer reached the client: it took effect (its output"
            + " is written, its change is made). Do not run it again. The session was taken over by another"
            + " instance and is usable.");
  }

  /** A command that was still running when its instance stopped: it did not complete. */
  public static ServerError commandInterrupted(String operationId, String instance) {
    return new ServerError(
        COMMAND_INTERRUPTED,
        "08006",
        "Command "
            + operationId
            + " was still running on"
            + " instance "
            + instance
            + " when that instance stopped: it did not complete, and whether any of it"
            + " took effect is not known (a write's output is committed at the end of its job, all of it or"
            + " none). Check its target before running it again. The session was taken over by another"
            + " instance and is usable.");
  }

  /** A streaming query that ran on a lost instance and could not be started again: {@code why}. */
  public static ServerError streamingQueryLost(String queryId, String why) {
    return new ServerError(
        STREAMING_QUERY_LOST,
        "08006",
        "Streaming query "
            + queryId
            + " ran on an"
            + " instance that stopped; the session was taken over by another instance and is usable, but this"
            + " query could not be started again there: "
            + why
            + ". Start it again (with a"
            + " checkpointLocation on storage every instance shares, it then survives its instance).");
  }

  @Override
  public String getCondition() {
    return condition;
  }

  @Override
  @SuppressWarnings("deprecation")
  public String getErrorClass() {
    return condition;
  }

  @Override
  public String getSqlState() {
    return sqlState;
  }

  @Override
  public Map<String, String> getMessageParameters() {
    return Map.of();
  }

  // Spark's defaults look the condition up in its own error classes, which do not have ours.
  @Override
  public String getDefaultMessageTemplate() {
    return getMessage();
  }

  @Override
  public BreakingChangeInfo getBreakingChangeInfo() {
    return null;
  }

  @Override
  public boolean isInternalError() {
    return false;
  }
}
