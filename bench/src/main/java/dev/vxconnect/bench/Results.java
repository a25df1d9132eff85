package dev.vxconnect.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one run measured, for the report. */
final class Results {

  /** Per server ({@link Settings#SPARK}, {@link Settings#VXCONNECT}): metric key to value. */
  final Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();

  /** Workload (e), or null if it did not run. */
  TpchTimings tpch;

  /** What failed, by "server (workload)". */
  final Map<String, String> errors = new LinkedHashMap<>();

  final List<Failover.Kill> kills = new ArrayList<>();

  /** Workload (f)'s resumed result, or null if it did not run. */
  Failover.Resume resume;

  /** Workload (g), by server: empty if it did not run. */
  final Map<String, DurableState.Figures> durable = new LinkedHashMap<>();

  /** Workload (h), or null if it did not run. */
  FloorComparison.Figures floor;

  /** Workload (i), or null if it did not run. */
  HibernatedSessions.Figures hibernated;

  String loadBefore;
  String loadAfter;
  long startedAtMillis;
  long finishedAtMillis;

  void put(String server, String key, double value) {
    metrics.computeIfAbsent(server, s -> new LinkedHashMap<>()).put(key, value);
  }

  Double get(String server, String key) {
    Map<String, Double> values = metrics.get(server);
    return values == null ? null : values.get(key);
  }
}
