package dev.vxconnect.server;

import java.time.Duration;

/** Session lifetime: idle timeout and how many closed session ids are remembered. */
public class SessionOptions {

  /** {@code spark.connect.session.manager.defaultSessionTimeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(60);
  /** {@code spark.connect.session.manager.closedSessionsTombstonesSize}. */
  public static final int DEFAULT_TOMBSTONES = 1000;
  /** {@code spark.connect.session.manager.maintenanceInterval}. */
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_SESSIONS_PER_USER = 1000;
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 10L * 1024 * 1024 * 1024;
  /** The back-off suggested to a client refused a new session (google.rpc.RetryInfo). */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

  private Duration idleTimeout;
  private int tombstones;
  private Duration maintenanceInterval;
  private int maxSessionsPerUser;
  private long maxArtifactBytes;
  private Duration retryDelay;

  public SessionOptions() {
    idleTimeout = DEFAULT_IDLE_TIMEOUT;
    tombstones = DEFAULT_TOMBSTONES;
    maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
    maxSessionsPerUser = DEFAULT_MAX_SESSIONS_PER_USER;
    maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;
    retryDelay = DEFAULT_RETRY_DELAY;
  }

  public SessionOptions(SessionOptions other) {
    idleTimeout = other.idleTimeout;
    tombstones = other.tombstones;
    maintenanceInterval = other.maintenanceInterval;
    maxSessionsPerUser = other.maxSessionsPerUser;
    maxArtifactBytes = other.maxArtifactBytes;
    retryDelay = other.retryDelay;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public SessionOptions setIdleTimeout(Duration idleTimeout) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be > 0");
    }
    this.idleTimeout = idleTimeout;
    return this;
  }

  public int getTombstones() {
    return tombstones;
  }

  public SessionOptions setTombstones(int tombstones) {
    if (tombstones < 0) {
      throw new IllegalArgumentException("tombstones must be >= 0");
    }
    this.tombstones = tombstones;
    return this;
  }

  public Duration getMaintenanceInterval() {
    return maintenanceInterval;
  }

  public SessionOptions setMaintenanceInterval(Duration maintenanceInterval) {
    if (maintenanceInterval.toMillis() <= 0) {
      throw new IllegalArgumentException("maintenanceInterval must be >= 1ms");
    }
    this.maintenanceInterval = maintenanceInterval;
    return this;
  }

  public int getMaxSessionsPerUser() {
    return maxSessionsPerUser;
  }

  public SessionOptions setMaxSessionsPerUser(int maxSessionsPerUser) {
    if (maxSessionsPerUser <= 0) {
      throw new IllegalArgumentException("maxSessionsPerUser must be > 0");
    }
    this.maxSessionsPerUser = maxSessionsPerUser;
    return this;
  }

  /** Bytes of artifacts one session may hold. */
  public long getMaxArtifactBytes() {
    return maxArtifactBytes;
  }

  public SessionOptions setMaxArtifactBytes(long maxArtifactBytes) {
    if (maxArtifactBytes <= 0) {
      throw new IllegalArgumentException("maxArtifactBytes must be > 0");
    }
    this.maxArtifactBytes = maxArtifactBytes;
    return this;
  }

  public Duration getRetryDelay() {
    return retryDelay;
  }

  public SessionOptions setRetryDelay(Duration retryDelay) {
    if (retryDelay.isNegative() || retryDelay.isZero()) {
      throw new IllegalArgumentException("retryDelay must be > 0");
    }
    this.retryDelay = retryDelay;
    return this;
  }

  @Override
  public String toString() {
    return "SessionOptions{idleTimeout=" + idleTimeout + ", tombstones=" + tombstones
        + ", maintenanceInterval=" + maintenanceInterval + ", maxSessionsPerUser="
        + maxSessionsPerUser + ", maxArtifactBytes=" + maxArtifactBytes + ", retryDelay=" + retryDelay + "}";
  }
}
