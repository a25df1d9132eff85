package dev.vxconnect.server.config;

import java.time.Duration;

/** Operations: threads and limits, result buffering, reattachable streams, abandonment. */
public record ExecutionOptions(
    int executeThreads,
    int maxOperations,
    int rpcThreads,
    long bufferAheadBytes,
    long retryBufferBytes,
    boolean reattachableEnabled,
    Duration finishedOperationsMemory,
    Duration maxStreamDuration,
    long maxStreamBytes,
    Duration detachedTimeout,
    int abandonedTombstones,
    Duration maintenanceInterval,
    int maxOperationsPerSession,
    int maxOperationsPerUser,
    long maxBufferedBytes,
    Duration retryDelay,
    boolean resumeResults) {

  public static ExecutionOptions from(Conf conf) {
    return new ExecutionOptions(
        conf.get(ConfigKeys.EXECUTE_THREADS),
        conf.get(ConfigKeys.MAX_OPERATIONS),
        conf.get(ConfigKeys.RPC_THREADS),
        conf.get(ConfigKeys.BUFFER_AHEAD_BYTES),
        conf.get(ConfigKeys.RETRY_BUFFER_SIZE),
        conf.get(ConfigKeys.REATTACHABLE_ENABLED),
        conf.get(ConfigKeys.INACTIVE_OPERATIONS_EXPIRATION),
        conf.get(ConfigKeys.MAX_STREAM_DURATION),
        conf.get(ConfigKeys.MAX_STREAM_SIZE),
        conf.get(ConfigKeys.DETACHED_TIMEOUT),
        conf.get(ConfigKeys.ABANDONED_TOMBSTONES),
        conf.get(ConfigKeys.EXECUTE_MAINTENANCE_INTERVAL),
        conf.get(ConfigKeys.MAX_OPERATIONS_PER_SESSION),
        conf.get(ConfigKeys.MAX_OPERATIONS_PER_USER),
        conf.get(ConfigKeys.MAX_BUFFERED_BYTES),
        conf.get(ConfigKeys.RETRY_DELAY),
        conf.get(ConfigKeys.RESUME_RESULTS));
  }
}
