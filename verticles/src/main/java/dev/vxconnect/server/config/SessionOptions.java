package dev.vxconnect.server.config;

import java.time.Duration;

/** Session lifetime and limits: idle timeout, remembered closed ids, sessions per user and awake
 * here, artifacts, streaming queries recorded for failover, hibernation. */
public record SessionOptions(
    Duration idleTimeout,
    int tombstones,
    Duration maintenanceInterval,
    int maxSessionsPerUser,
    int maxSessions,
    long maxArtifactBytes,
    Duration retryDelay,
    int maxStreamingQueries,
    Duration hibernateAfter) {

  /** Whether idle sessions hibernate (vxconnect.session.hibernateAfter is not 0). */
  public boolean hibernates() {
    return !hibernateAfter.isZero();
  }

  public static SessionOptions from(Conf conf) {
    return new SessionOptions(
        conf.get(ConfigKeys.SESSION_TIMEOUT),
        conf.get(ConfigKeys.CLOSED_SESSIONS_TOMBSTONES),
        conf.get(ConfigKeys.SESSION_MAINTENANCE_INTERVAL),
        conf.get(ConfigKeys.MAX_SESSIONS_PER_USER),
        conf.get(ConfigKeys.MAX_SESSIONS),
        conf.get(ConfigKeys.MAX_ARTIFACT_BYTES),
        conf.get(ConfigKeys.RETRY_DELAY),
        conf.get(ConfigKeys.CLUSTER_MAX_STREAMING_QUERIES),
        conf.get(ConfigKeys.SESSION_HIBERNATE_AFTER));
  }
}
