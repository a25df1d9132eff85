package dev.vxconnect.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What workload (e) measured: per query and engine, the samples of the timed rounds, in round
 * order. A server's overhead on a query is the median over the rounds of its time divided by the
 * classic engine's time in the same round, minus one: a ratio of neighbours in time, so that a
 * slow minute of the machine does not count against one engine only.
 */
final class TpchTimings {

  private final Map<String, Map<String, List<Tpch.Sample>>> samples = new LinkedHashMap<>();
  private final double generateSeconds;

  TpchTimings(double generateSeconds) {
    this.generateSeconds = generateSeconds;
  }

  void add(String query, String engine, Tpch.Sample sample) {
    samples
        .computeIfAbsent(query, q -> new LinkedHashMap<>())
        .computeIfAbsent(engine, e -> new ArrayList<>())
        .add(sample);
  }

  double generateSeconds() {
    return generateSeconds;
  }

  List<Tpch.Sample> of(String query, String engine) {
    return samples.getOrDefault(query, Map.of()).getOrDefault(engine, List.of());
  }

  /** The median ms of {@code engine}'s timed runs of {@code query}, or null if it has none. */
  Long medianMillis(String query, String engine) {
    List<Tpch.Sample> runs = of(query, engine);
    if (runs.isEmpty()) {
      return null;
    }
    return Math.round(median(runs.stream().mapToDouble(Tpch.Sample::millis).toArray()));
  }

  /** The median over rounds of server ms / classic ms, minus one; null without both. */
  Double overhead(String query, String server) {
    List<Tpch.Sample> s = of(query, server);
    List<Tpch.Sample> c = of(query, TpchComparison.CLASSIC);
    if (s.isEmpty() || s.size() != c.size()) {
      return null;
    }
    double[] ratios = new double[s.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = s.get(i).millis() / (double) Math.max(1, c.get(i).millis());
    }
    return median(ratios) - 1;
  }

  /** Whether every run of {@code query} on every engine returned the same rows (by digest). */
  boolean sameResult(String query) {
    return samples.getOrDefault(query, Map.of()).values().stream()
            .flatMap(List::stream)
            .map(Tpch.Sample::digest)
            .distinct()
            .count()
        <= 1;
  }

  /** The row count of {@code query}'s result, or -1 if it never ran. */
  int rows(String query) {
    return samples.getOrDefault(query, Map.of()).values().stream()
        .flatMap(List::stream)
        .mapToInt(Tpch.Sample::rows)
        .findFirst()
        .orElse(-1);
  }

  boolean isEmpty() {
    return samples.isEmpty();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
