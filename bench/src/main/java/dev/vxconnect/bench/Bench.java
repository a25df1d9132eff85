package dev.vxconnect.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark harness (docs/benchmarks.md): starts Apache Spark's own Connect server and
 * vxconnect one after the other (never both at once), drives each with the official client through
 * workloads (a) to (e), runs the TPC-H-like baseline on classic Spark in a JVM of its own, then (f)
 * on a two-instance vxconnect cluster, and writes a report with both servers side by side.
 * Started by bench/run.sh, which passes -Dbench.* settings ({@link Settings}).
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromSystemProperties();
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    Path work = Files.createDirectories(settings.home().resolve("bench/target/run-" + stamp));
    log("bench: " + settings.describe());
    log("bench: logs and data under " + work);

    Results results = new Results();
    results.startedAtMillis = System.currentTimeMillis();
    results.loadBefore = loadAverage();
    Path tpchData = work.resolve("tpch-sf" + settings.tpchScale());

    for (String kind : settings.servers()) {
      measure(settings, work, kind, results, tpchData);
    }
    if (settings.runs("e") && results.tpchGeneratedBy != null) {
      attempt(results, "classic (e)", () -> results.tpch.put("classic", classic(settings, work, tpchData)));
    }
    if (settings.runs("f") && settings.servers().contains(Settings.VXCONNECT)) {
      attempt(results, Settings.VXCONNECT + " (f)", () -> {
        log("bench: (f) failover on a two-instance cluster");
        results.kills.addAll(new Failover(settings, work).run(settings.failoverRuns()));
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

  private static void measure(Settings settings, Path work, String kind, Results results, Path tpchData)
      throws Exception {
    log("bench: starting " + kind);
    long startedAt = System.nanoTime();
    Server server;
    try {
      server = kind.equals(Settings.SPARK)
          ? Server.startSpark(settings, work, "spark-connect")
          : Server.startVxconnect(settings, work, "vxconnect", Server.freePort(), List.of(),
              settings.serverHeap());
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
        attempt(results, kind + " (a)", () -> {
          log("bench: " + kind + " (a) latency");
          long[] micros = Workloads.latency(url, settings.latencyWarmup(), settings.latencyCalls());
          results.put(kind, "a.p50_ms", Workloads.percentile(micros, 50) / 1000.0);
          results.put(kind, "a.p99_ms", Workloads.percentile(micros, 99) / 1000.0);
          results.put(kind, "a.mean_ms", Arrays.stream(micros).average().orElse(0) / 1000.0);
        });
      }
      if (settings.runs("b")) {
        attempt(results, kind + " (b)", () -> {
          log("bench: " + kind + " (b) collect");
          double seconds = Workloads.collect(url, settings.collectRows(), settings.collectRuns());
          results.put(kind, "b.seconds", seconds);
          results.put(kind, "b.rows_per_s", settings.collectRows() / seconds);
          results.put(kind, "b.mb_per_s", settings.collectRows() * 24 / seconds / 1e6);
        });
      }
      if (settings.runs("c")) {
        attempt(results, kind + " (c)", () -> {
          log("bench: " + kind + " (c) concurrent sessions");
          Workloads.Throughput t = Workloads.concurrent(url, settings.concurrentSessions(),
              settings.concurrentSeconds());
          results.put(kind, "c.qps", t.perSecond());
          results.put(kind, "c.p50_ms", Workloads.percentile(t.sortedMicros(), 50) / 1000.0);
          results.put(kind, "c.p99_ms", Workloads.percentile(t.sortedMicros(), 99) / 1000.0);
          results.put(kind, "c.failures", t.failures());
        });
      }
      if (settings.runs("d")) {
        attempt(results, kind + " (d)", () -> {
          log("bench: " + kind + " (d) idle sessions");
          Workloads.IdleHeap heap = Workloads.idleSessions(url, server.pid(), settings.idleSessions(),
              work.resolve(kind + "-idle-histogram"));
          results.put(kind, "d.before_mib", heap.before() / 1048576.0);
          results.put(kind, "d.after_mib", heap.after() / 1048576.0);
          results.put(kind, "d.kib_per_session", heap.bytesPerSession() / 1024.0);
        });
      }
      if (settings.runs("e")) {
        attempt(results, kind + " (e)", () -> {
          try (org.apache.spark.sql.SparkSession spark = Workloads.connect(url)) {
            if (results.tpchGeneratedBy == null) {
              log("bench: generating the TPC-H-like tables (sf " + settings.tpchScale() + ") through " + kind);
              long start = System.nanoTime();
              Tpch.generate(spark, tpchData.toString(), settings.tpchScale());
              results.tpchGenerateSeconds = (System.nanoTime() - start) / 1e9;
              results.tpchGeneratedBy = kind;
            }
            log("bench: " + kind + " (e) TPC-H-like queries");
            results.tpch.put(kind, Tpch.run(spark, tpchData.toString(), settings.tpchWarmups(),
                settings.tpchRuns()));
          }
        });
      }
    } finally {
      log("bench: stopping " + kind);
      server.close();
    }
  }

  /** The baseline of (e): the same programs on classic Spark, in a JVM of its own. */
  private static List<Tpch.Timing> classic(Settings settings, Path work, Path data) throws Exception {
    log("bench: classic (e) TPC-H-like queries");
    Path home = settings.home();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Server.SPARK_JVM_FLAGS);
    command.add("-Xmx" + settings.serverHeap());
    command.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    command.add("-Dspark.sql.warehouse.dir=" + work.resolve("classic-warehouse"));
    command.add("-cp");
    command.add(home.resolve("bench/target/classes") + ":" + home.resolve("verticles/target/lib") + "/*");
    command.add(ClassicTpch.class.getName());
    command.add(data.toString());
    command.add(Integer.toString(settings.tpchWarmups()));
    command.add(Integer.toString(settings.tpchRuns()));
    Path log = work.resolve("classic.log");
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .directory(work.toFile())
        .start();
    List<Tpch.Timing> timings = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        String[] parts = line.split(" ");
        if (parts.length == 5 && parts[0].equals("TPCH")) {
          List<Long> millis = Arrays.stream(parts[2].split(",")).map(Long::valueOf).toList();
          timings.add(new Tpch.Timing(parts[1], millis, Integer.parseInt(parts[3]), parts[4]));
        }
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || timings.isEmpty()) {
      process.destroyForcibly();
      throw new IOException("the classic run failed; see " + log);
    }
    return timings;
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
      results.errors.put(what, e.getClass().getSimpleName() + ": "
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
    System.err.println(DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now())
        + " " + message);
  }
}
