package dev.vxconnect.server;

import java.time.Duration;

/** Worker pools and per-operation result buffering. */
public class ExecutionOptions {

  public static final int DEFAULT_EXECUTE_THREADS = 16;
  public static final int DEFAULT_MAX_OPERATIONS = 1000;
  public static final int DEFAULT_RPC_THREADS = 8;
  /** Result bytes an operation may produce ahead of its client before its producer waits. */
  public static final long DEFAULT_BUFFER_AHEAD_BYTES = 8L * 1024 * 1024;
  /** {@code spark.connect.execute.reattachable.observerRetryBufferSize}. */
  public static final long DEFAULT_RETRY_BUFFER_BYTES = 10L * 1024 * 1024;
  /** {@code spark.connect.execute.reattachable.enabled}. */
  public static final boolean DEFAULT_REATTACHABLE_ENABLED = true;
  /** {@code spark.connect.session.inactiveOperations.cacheExpiration} (minutes). */
  public static final Duration DEFAULT_FINISHED_OPERATIONS_MEMORY = Duration.ofMinutes(30);
  /** {@code spark.connect.execute.reattachable.senderMaxStreamDuration}: then the client reattaches. */
  public static final Duration DEFAULT_MAX_STREAM_DURATION = Duration.ofMinutes(2);
  /** {@code spark.connect.execute.reattachable.senderMaxStreamSize}. */
  public static final long DEFAULT_MAX_STREAM_BYTES = 1L << 30;
  /** {@code spark.connect.execute.manager.detachedTimeout}: then the operation is abandoned. */
  public static final Duration DEFAULT_DETACHED_TIMEOUT = Duration.ofMinutes(5);
  /** {@code spark.connect.execute.manager.abandonedTombstonesSize}. */
  public static final int DEFAULT_ABANDONED_TOMBSTONES = 10_000;
  /** {@code spark.connect.execute.manager.maintenanceInterval}. */
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_OPERATIONS_PER_SESSION = 100;
  public static final int DEFAULT_MAX_OPERATIONS_PER_USER = 500;
  /** Result bytes held by all buffers beyond which new operations are refused for a while. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 1L << 30;
  /** The back-off suggested to clients refused for load (google.rpc.RetryInfo). */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

  private int executeThreads;
  private int maxOperations;
  private int rpcThreads;
  private long bufferAheadBytes;
  private long retryBufferBytes;
  private boolean reattachableEnabled;
  private Duration finishedOperationsMemory;
  private Duration maxStreamDuration;
  private long maxStreamBytes;
  private Duration detachedTimeout;
  private int abandonedTombstones;
  private Duration maintenanceInterval;
  private int maxOperationsPerSession;
  private int maxOperationsPerUser;
  private long maxBufferedBytes;
  private Duration retryDelay;

  public ExecutionOptions() {
    executeThreads = DEFAULT_EXECUTE_THREADS;
    maxOperations = DEFAULT_MAX_OPERATIONS;
    rpcThreads = DEFAULT_RPC_THREADS;
    bufferAheadBytes = DEFAULT_BUFFER_AHEAD_BYTES;
    retryBufferBytes = DEFAULT_RETRY_BUFFER_BYTES;
    reattachableEnabled = DEFAULT_REATTACHABLE_ENABLED;
    finishedOperationsMemory = DEFAULT_FINISHED_OPERATIONS_MEMORY;
    maxStreamDuration = DEFAULT_MAX_STREAM_DURATION;
    maxStreamBytes = DEFAULT_MAX_STREAM_BYTES;
    detachedTimeout = DEFAULT_DETACHED_TIMEOUT;
    abandonedTombstones = DEFAULT_ABANDONED_TOMBSTONES;
    maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
    maxOperationsPerSession = DEFAULT_MAX_OPERATIONS_PER_SESSION;
    maxOperationsPerUser = DEFAULT_MAX_OPERATIONS_PER_USER;
    maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    retryDelay = DEFAULT_RETRY_DELAY;
  }

  public ExecutionOptions(ExecutionOptions other) {
    executeThreads = other.executeThreads;
    maxOperations = other.maxOperations;
    rpcThreads = other.rpcThreads;
    bufferAheadBytes = other.bufferAheadBytes;
    retryBufferBytes = other.retryBufferBytes;
    reattachableEnabled = other.reattachableEnabled;
    finishedOperationsMemory = other.finishedOperationsMemory;
    maxStreamDuration = other.maxStreamDuration;
    maxStreamBytes = other.maxStreamBytes;
    detachedTimeout = other.detachedTimeout;
    abandonedTombstones = other.abandonedTombstones;
    maintenanceInterval = other.maintenanceInterval;
    maxOperationsPerSession = other.maxOperationsPerSession;
    maxOperationsPerUser = other.maxOperationsPerUser;
    maxBufferedBytes = other.maxBufferedBytes;
    retryDelay = other.retryDelay;
  }

  public int getExecuteThreads() {
    return executeThreads;
  }

  public ExecutionOptions setExecuteThreads(int executeThreads) {
    this.executeThreads = positive("executeThreads", executeThreads);
    return this;
  }

  public int getMaxOperations() {
    return maxOperations;
  }

  public ExecutionOptions setMaxOperations(int maxOperations) {
    this.maxOperations = positive("maxOperations", maxOperations);
    return this;
  }

  public int getRpcThreads() {
    return rpcThreads;
  }

  public ExecutionOptions setRpcThreads(int rpcThreads) {
    this.rpcThreads = positive("rpcThreads", rpcThreads);
    return this;
  }

  public long getBufferAheadBytes() {
    return bufferAheadBytes;
  }

  public ExecutionOptions setBufferAheadBytes(long bufferAheadBytes) {
    if (bufferAheadBytes <= 0) {
      throw new IllegalArgumentException("bufferAheadBytes must be > 0");
    }
    this.bufferAheadBytes = bufferAheadBytes;
    return this;
  }

  public long getRetryBufferBytes() {
    return retryBufferBytes;
  }

  public ExecutionOptions setRetryBufferBytes(long retryBufferBytes) {
    if (retryBufferBytes < 0) {
      throw new IllegalArgumentException("retryBufferBytes must be >= 0");
    }
    this.retryBufferBytes = retryBufferBytes;
    return this;
  }

  public boolean isReattachableEnabled() {
    return reattachableEnabled;
  }

  public ExecutionOptions setReattachableEnabled(boolean reattachableEnabled) {
    this.reattachableEnabled = reattachableEnabled;
    return this;
  }

  public Duration getFinishedOperationsMemory() {
    return finishedOperationsMemory;
  }

  public ExecutionOptions setFinishedOperationsMemory(Duration finishedOperationsMemory) {
    if (finishedOperationsMemory.isNegative()) {
      throw new IllegalArgumentException("finishedOperationsMemory must be >= 0");
    }
    this.finishedOperationsMemory = finishedOperationsMemory;
    return this;
  }

  public Duration getMaxStreamDuration() {
    return maxStreamDuration;
  }

  public ExecutionOptions setMaxStreamDuration(Duration maxStreamDuration) {
    this.maxStreamDuration = positive("maxStreamDuration", maxStreamDuration);
    return this;
  }

  public long getMaxStreamBytes() {
    return maxStreamBytes;
  }

  public ExecutionOptions setMaxStreamBytes(long maxStreamBytes) {
    this.maxStreamBytes = positive("maxStreamBytes", maxStreamBytes);
    return this;
  }

  public Duration getDetachedTimeout() {
    return detachedTimeout;
  }

  public ExecutionOptions setDetachedTimeout(Duration detachedTimeout) {
    this.detachedTimeout = positive("detachedTimeout", detachedTimeout);
    return this;
  }

  public int getAbandonedTombstones() {
    return abandonedTombstones;
  }

  public ExecutionOptions setAbandonedTombstones(int abandonedTombstones) {
    if (abandonedTombstones < 0) {
      throw new IllegalArgumentException("abandonedTombstones must be >= 0");
    }
    this.abandonedTombstones = abandonedTombstones;
    return this;
  }

  public Duration getMaintenanceInterval() {
    return maintenanceInterval;
  }

  public ExecutionOptions setMaintenanceInterval(Duration maintenanceInterval) {
    this.maintenanceInterval = positive("maintenanceInterval", maintenanceInterval);
    return this;
  }

  public int getMaxOperationsPerSession() {
    return maxOperationsPerSession;
  }

  public ExecutionOptions setMaxOperationsPerSession(int maxOperationsPerSession) {
    this.maxOperationsPerSession = positive("maxOperationsPerSession", maxOperationsPerSession);
    return this;
  }

  public int getMaxOperationsPerUser() {
    return maxOperationsPerUser;
  }

  public ExecutionOptions setMaxOperationsPerUser(int maxOperationsPerUser) {
    this.maxOperationsPerUser = positive("maxOperationsPerUser", maxOperationsPerUser);
    return this;
  }

  public long getMaxBufferedBytes() {
    return maxBufferedBytes;
  }

  public ExecutionOptions setMaxBufferedBytes(long maxBufferedBytes) {
    this.maxBufferedBytes = positive("maxBufferedBytes", maxBufferedBytes);
    return this;
  }

  public Duration getRetryDelay() {
    return retryDelay;
  }

  public ExecutionOptions setRetryDelay(Duration retryDelay) {
    this.retryDelay = positive("retryDelay", retryDelay);
    return this;
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
    return value;
  }

  private static Duration positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
    return value;
  }

  private static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
    return value;
  }

  @Override
  public String toString() {
    return "ExecutionOptions{executeThreads=" + executeThreads + ", maxOperations=" + maxOperations
        + ", rpcThreads=" + rpcThreads + ", bufferAheadBytes=" + bufferAheadBytes
        + ", retryBufferBytes=" + retryBufferBytes + ", reattachableEnabled=" + reattachableEnabled
        + ", finishedOperationsMemory=" + finishedOperationsMemory
        + ", maxStreamDuration=" + maxStreamDuration + ", maxStreamBytes=" + maxStreamBytes
        + ", detachedTimeout=" + detachedTimeout + ", abandonedTombstones=" + abandonedTombstones
        + ", maintenanceInterval=" + maintenanceInterval
        + ", maxOperationsPerSession=" + maxOperationsPerSession + ", maxOperationsPerUser="
        + maxOperationsPerUser + ", maxBufferedBytes=" + maxBufferedBytes + ", retryDelay="
        + retryDelay + "}";
  }
}
