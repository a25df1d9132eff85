package dev.vxconnect.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one run measures and how much of it, from system properties. {@code -Dbench.scale=smoke}
 * (default) validates the harness in a few minutes; {@code -Dbench.scale=full} is the run the
 * numbers in docs/benchmarks.md come from. Every size can also be set on its own (see {@link
 * #describe()} and docs/benchmarks.md).
 */
record Settings(
    String scale,
    Path home,
    Set<String> servers,
    Set<String> workloads,
    Path output,
    String serverHeap,
    int latencyWarmup,
    int latencyCalls,
    long collectRows,
    int collectRuns,
    int concurrentSessions,
    int concurrentSeconds,
    int idleSessions,
    double tpchScale,
    int tpchWarmups,
    int tpchRuns,
    int failoverRuns,
    long resumeRows,
    int stateWarmup,
    int stateCalls,
    int stateTables,
    int floorRounds,
    int floorCalls,
    long floorRows,
    int floorWarmup,
    int hibernatedSessions,
    String note) {

  static final String SPARK = "spark";
  static final String VXCONNECT = "vxconnect";

  /** The floor of (h): recorded answers, no work ({@code dev.vxconnect.bench.floor.FloorServer}). */
  static final String FLOOR = "floor";

  static Settings fromSystemProperties() {
    String scale = System.getProperty("bench.scale", "smoke");
    boolean full =
        switch (scale) {
          case "full" -> true;
          case "smoke" -> false;
          default ->
              throw new IllegalArgumentException("bench.scale must be smoke or full: " + scale);
        };
    Path home = Path.of(System.getProperty("bench.home", "..")).toAbsolutePath().normalize();
    Path output =
        Path.of(
            System.getProperty(
                "bench.output",
                full
                    ? home.resolve("docs/benchmarks.md").toString()
                    : home.resolve("bench/target/benchmarks.md").toString()));
    return new Settings(
        scale,
        home,
        list("bench.servers", SPARK + "," + VXCONNECT + "," + FLOOR),
        list("bench.workloads", "a,b,c,d,e,f,g,h,i"),
        output,
        System.getProperty("bench.serverHeap", "4g"),
        integer("bench.latency.warmup", full ? 200 : 50),
        integer("bench.latency.calls", full ? 1000 : 200),
        Long.getLong("bench.collect.rows", full ? 10_000_000L : 1_000_000L),
        integer("bench.collect.runs", full ? 3 : 1),
        integer("bench.concurrent.sessions", full ? 64 : 16),
        integer("bench.concurrent.seconds", full ? 60 : 5),
        integer("bench.idle.sessions", full ? 1000 : 100),
        Double.parseDouble(System.getProperty("bench.tpch.sf", full ? "0.2" : "0.01")),
        integer("bench.tpch.warmups", full ? 2 : 1),
        integer("bench.tpch.runs", full ? 9 : 3),
        integer("bench.failover.runs", full ? 3 : 1),
        Long.getLong("bench.resume.rows", full ? 40_000_000L : 4_000_000L),
        integer("bench.state.warmup", full ? 50 : 10),
        integer("bench.state.calls", full ? 500 : 100),
        integer("bench.state.tables", full ? 100 : 20),
        integer("bench.floor.rounds", full ? 7 : 3),
        integer("bench.floor.calls", full ? 200 : 50),
        Long.getLong("bench.floor.rows", full ? 10_000_000L : 1_000_000L),
        // Servers whose JIT has compiled Spark's code, not still compiling it: measured on 2 cores,
        // a `select 1` cost vxconnect 27-36 ms of CPU over its calls 1,000 to 2,700 (about 7 ms in
        // the JIT compiler's threads) and 15-17 ms after its 6,000th; Spark's server 57 ms over its
        // first 2,000 and 24 ms after its 6,000th (docs/benchmarks.md).
        integer("bench.floor.warmup", full ? 8_000 : 500),
        integer("bench.hibernated.sessions", full ? 100_000 : 2_000),
        System.getProperty("bench.note", ""));
  }

  private static int integer(String key, int fallback) {
    return Integer.getInteger(key, fallback);
  }

  private static Set<String> list(String key, String fallback) {
    Set<String> values = new LinkedHashSet<>();
    Arrays.stream(System.getProperty(key, fallback).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(values::add);
    return values;
  }

  /** The servers that run queries: {@link #servers} without the floor, which only replays. */
  Set<String> engines() {
    Set<String> engines = new LinkedHashSet<>(servers);
    engines.remove(FLOOR);
    return engines;
  }

  boolean runs(String workload) {
    return workloads.contains(workload);
  }

  /** (a)'s queries of a new shape each: a fifth of its {@code select 1} calls. */
  int shapeCalls() {
    return Math.max(20, latencyCalls / 5);
  }

  /** The sizes, as the report shows them. */
  String describe() {
    return String.format(
        "scale=%s; (a) %d calls after %d warm-up, %d of new shapes; (b) %,d rows x %d run(s); (c) %d sessions for %d s;"
            + " (d) %d idle sessions; (e) TPC-H-like sf=%s, %d warm-up + %d timed round(s);"
            + " (f) %d kill(s), a %,d-row result resumed; (g) %d Config sets and %d CREATE TABLE after %d of each;"
            + " (h) %d round(s) of %d `select 1` and %,d rows collected and iterated, after %,d"
            + " untimed `select 1` per server;"
            + " (i) %,d hibernated sessions; server heap -Xmx%s",
        scale,
        latencyCalls,
        latencyWarmup,
        shapeCalls(),
        collectRows,
        collectRuns,
        concurrentSessions,
        concurrentSeconds,
        idleSessions,
        tpchScale,
        tpchWarmups,
        tpchRuns,
        failoverRuns,
        resumeRows,
        stateCalls,
        stateTables,
        stateWarmup,
        floorRounds,
        floorCalls,
        floorRows,
        floorWarmup,
        hibernatedSessions,
        serverHeap);
  }
}
