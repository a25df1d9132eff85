package dev.vxconnect.bench;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The benchmark harness (docs/benchmarks.md): starts Apache Spark's own Connect server and
 * vxconnect one after the other (never both at once), drives each with the official client through
 * workloads (a) to (d), then runs (e) on both servers and classic Spark in turn ({@link
 * TpchComparison}), (f) on a two-instance vxconnect cluster and (g) with and without the state
 * database ({@link DurableState}), (h) with both servers and the floor up at once ({@link
 * FloorComparison}), and writes a report with the servers side by side.
 * Started by bench/run.sh, which passes -Dbench.* settings ({@link Settings}).
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromSystemProperties();
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path work = Files.createDirectories(settings.home().resolve("bench/target/run-" + stamp));
    log("bench: " + settings.describe());
    log("bench: logs and data under " + work);

    Results results = new Results();
    results.startedAtMillis = System.currentTimeMillis();
    results.loadBefore = loadAverage();

    if (settings.runs("a") || settings.runs("b") || settings.runs("c") || settings.runs("d")) {
      for (String kind : settings.engines()) {
        measure(settings, work, kind, results);
      }
    }
    if (settings.runs("e")) {
      attempt(results, "(e)", () -> results.tpch = new TpchComparison(settings, work).run());
    }
    if (settings.runs("f") && settings.servers().contains(Settings.VXCONNECT)) {
      if (settings.failoverRuns() > 0) {
        attempt(
            results,
            Settings.VXCONNECT + " (f)",
            () -> {
              log("bench: (f) failover on a two-instance cluster");
              results.kills.addAll(new Failover(settings, work).run(settings.failoverRuns()));
            });
      }
      attempt(
          results,
          Settings.VXCONNECT + " (f) resume",
          () -> {
            log("bench: (f) a result resumed across a kill, and the cost of its marks");
            results.resume = new Failover(settings, work).resume();
          });
    }
    if (settings.runs("g") && settings.servers().contains(Settings.VXCONNECT)) {
      attempt(results, "(g)", () -> results.durable.putAll(new DurableState(settings, work).run()));
    }
    if (settings.runs("h")
        && settings.servers().contains(Settings.FLOOR)
        && !settings.engines().isEmpty()) {
      attempt(results, "(h)", () -> results.floor = new FloorComparison(settings, work).run());
    }
    if (settings.runs("i") && settings.servers().contains(Settings.VXCONNECT)) {
      attempt(
          results,
          "(i)",
          () -> {
            log("bench: (i) hibernated sessions");
            results.hibernated = new HibernatedSessions(settings, work).run();
          });
    }
    results.loadAfter = loadAverage();
    results.finishedAtMillis = System.currentTimeMillis();

    String section = Report.markdown(settings, results);
    Report.write(settings.output(), section);
    System.out.println(section);
    log("bench: report written to " + settings.output());
    System.exit(results.errors.isEmpty() ? 0 : 1);
  }

  private static void measure(Settings settings, Path work, String kind, Results results)
      throws Exception {
    log("bench: starting " + kind);
    long startedAt = System.nanoTime();
    ServerProcess server;
    try {
      server =
          Server.start(
              settings, work, kind, kind.equals(Settings.SPARK) ? "spark-connect" : "vxconnect");
    } catch (IOException e) {
      results.errors.put(kind + " (start)", e.getMessage());
      return;
    }
    try {
      String url = server.url();
      // Until the first answer: vxconnect warms Spark up before it listens, Spark's server on the
      // first query, so the time to listen alone would not compare.
      Workloads.firstAnswer(url);
      results.put(kind, "start_s", (System.nanoTime() - startedAt) / 1e9);
      Workloads.warmUp(url);
      if (settings.runs("a")) {
        attempt(
            results,
            kind + " (a)",
            () -> {
              log("bench: " + kind + " (a) latency");
              long[] micros =
                  Workloads.latency(url, settings.latencyWarmup(), settings.latencyCalls());
              results.put(kind, "a.p50_ms", Workloads.percentile(micros, 50) / 1000.0);
              results.put(kind, "a.p99_ms", Workloads.percentile(micros, 99) / 1000.0);
              results.put(kind, "a.mean_ms", Arrays.stream(micros).average().orElse(0) / 1000.0);
              long[] shapes = Workloads.newShapes(url, settings.shapeCalls());
              results.put(kind, "a.shapes_p50_ms", Workloads.percentile(shapes, 50) / 1000.0);
            });
      }
      if (settings.runs("b")) {
        attempt(
            results,
            kind + " (b)",
            () -> {
              log("bench: " + kind + " (b) collect");
              double seconds =
                  Workloads.collect(url, settings.collectRows(), settings.collectRuns());
              results.put(kind, "b.seconds", seconds);
              results.put(kind, "b.rows_per_s", settings.collectRows() / seconds);
              results.put(kind, "b.mb_per_s", settings.collectRows() * 24 / seconds / 1e6);
            });
      }
      if (settings.runs("c")) {
        attempt(
            results,
            kind + " (c)",
            () -> {
              log("bench: " + kind + " (c) concurrent sessions");
              Workloads.Throughput t =
                  Workloads.concurrent(
                      url, settings.concurrentSessions(), settings.concurrentSeconds());
              results.put(kind, "c.qps", t.perSecond());
              results.put(kind, "c.p50_ms", Workloads.percentile(t.sortedMicros(), 50) / 1000.0);
              results.put(kind, "c.p99_ms", Workloads.percentile(t.sortedMicros(), 99) / 1000.0);
              results.put(kind, "c.failures", t.failures());
            });
      }
      if (settings.runs("d")) {
        attempt(
            results,
            kind + " (d)",
            () -> {
              log("bench: " + kind + " (d) idle sessions");
              Workloads.IdleHeap heap =
                  Workloads.idleSessions(
                      url,
                      server.pid(),
                      settings.idleSessions(),
                      work.resolve(kind + "-idle-histogram"));
              results.put(kind, "d.before_mib", heap.before() / 1048576.0);
              results.put(kind, "d.after_mib", heap.after() / 1048576.0);
              results.put(kind, "d.kib_per_session", heap.bytesPerSession() / 1024.0);
            });
      }
    } finally {
      log("bench: stopping " + kind);
      server.close();
    }
  }

  interface Step {
    void run() throws Exception;
  }

  /** Runs one workload; a failure is recorded for the report and the run goes on. */
  private static void attempt(Results results, String what, Step step) {
    try {
      step.run();
    } catch (Exception | Error e) {
      log("bench: " + what + " failed: " + e);
      e.printStackTrace();
      String message = String.valueOf(e.getMessage());
      results.errors.put(
          what,
          e.getClass().getSimpleName()
              + ": "
              + message.substring(0, Math.min(300, message.length())).replace('\n', ' '));
    }
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static void log(String message) {
    System.err.println(
        DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now())
            + " "
            + message);
  }
}
