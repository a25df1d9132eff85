package dev.vxconnect.server.execution;

import static dev.vxconnect.server.config.ConfigKeys.ABANDONED_TOMBSTONES;
import static dev.vxconnect.server.config.ConfigKeys.BUFFER_AHEAD_BYTES;
import static dev.vxconnect.server.config.ConfigKeys.EXECUTE_MAINTENANCE_INTERVAL;
import static dev.vxconnect.server.config.ConfigKeys.EXECUTE_THREADS;
import static dev.vxconnect.server.config.ConfigKeys.INACTIVE_OPERATIONS_EXPIRATION;
import static dev.vxconnect.server.config.ConfigKeys.MAX_OPERATIONS;
import static dev.vxconnect.server.config.ConfigKeys.MAX_OPERATIONS_PER_SESSION;
import static dev.vxconnect.server.config.ConfigKeys.MAX_OPERATIONS_PER_USER;
import static dev.vxconnect.server.config.ConfigKeys.MAX_STREAM_DURATION;
import static dev.vxconnect.server.config.ConfigKeys.RESUME_RESULTS;
import static dev.vxconnect.server.config.ConfigKeys.RETRY_BUFFER_SIZE;
import static dev.vxconnect.server.config.ConfigKeys.RETRY_DELAY;
import static dev.vxconnect.server.config.ConfigKeys.RPC_THREADS;

import dev.vxconnect.server.config.Conf;
import dev.vxconnect.server.config.ConfigEntry;
import dev.vxconnect.server.config.ExecutionOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Execution options for tests, set by key as a user sets them: small pools and buffers, quick
 * timers, the rest at their defaults; {@link #with} changes some.
 */
final class TestExecutionOptions {

  private static final Map<ConfigEntry<?>, String> SMALL =
      Map.ofEntries(
          Map.entry(EXECUTE_THREADS, "2"),
          Map.entry(MAX_OPERATIONS, "10"),
          Map.entry(RPC_THREADS, "2"),
          Map.entry(BUFFER_AHEAD_BYTES, "1m"),
          Map.entry(RETRY_BUFFER_SIZE, "1m"),
          Map.entry(INACTIVE_OPERATIONS_EXPIRATION, "1m"),
          Map.entry(MAX_STREAM_DURATION, "1m"),
          Map.entry(ABANDONED_TOMBSTONES, "100"),
          Map.entry(EXECUTE_MAINTENANCE_INTERVAL, "10s"),
          Map.entry(MAX_OPERATIONS_PER_SESSION, "10"),
          Map.entry(MAX_OPERATIONS_PER_USER, "10"),
          Map.entry(RETRY_DELAY, "1s"),
          Map.entry(RESUME_RESULTS, "false"));

  private TestExecutionOptions() {}

  static ExecutionOptions small() {
    return with(Map.of());
  }

  /** The small options with these keys set otherwise. */
  static ExecutionOptions with(Map<ConfigEntry<?>, String> changes) {
    Map<String, String> values = new HashMap<>();
    SMALL.forEach((entry, value) -> values.put(entry.key(), value));
    changes.forEach((entry, value) -> values.put(entry.key(), value));
    return ExecutionOptions.from(new Conf(values));
  }
}
