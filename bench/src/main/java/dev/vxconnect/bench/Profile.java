package dev.vxconnect.bench;

import dev.vxconnect.bench.floor.Programs;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.apache.spark.sql.SparkSession;

/**
 * Where a server's time goes during workload (h)'s `select 1` and toLocalIterator (docs/benchmarks.md,
 * "Profile"): starts one server ({@code -Dbench.profile.server}, vxconnect by default), warms it
 * up, then for each workload records a JFR profile ({@code jcmd JFR.start settings=profile}, so that
 * the warm-up is not in it) while the official client runs the workload for {@code
 * -Dbench.profile.seconds}, and prints the execution samples grouped by what the sampled code
 * belongs to, the hottest frames, and the server's CPU in the window by thread group (/proc). Run
 * with {@code bench/run.sh -Dbench.main=profile}; with {@code -Dbench.profile.files=a.jfr,b.jfr} it
 * only prints the report of recordings made before.
 */
final class Profile {

  private Profile() {}

  private static final String ROWS = "Spark execution (rows produced by generated code)";

  /** Package prefixes and the group their frames count for; the first that matches wins. */
  private static final List<String[]> GROUPS =
      List.of(
          new String[] {"dev.vxconnect.", "our code"},
          new String[] {"org.apache.arrow.", "Arrow encoding"},
          new String[] {"org.apache.spark.sql.execution.arrow.", "Arrow encoding"},
          new String[] {"org.apache.spark.sql.connect.", "Spark Connect planner/handlers"},
          new String[] {"org.apache.spark.sql.catalyst.expressions.GeneratedClass", ROWS},
          new String[] {"org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRow", ROWS},
          new String[] {"org.apache.spark.sql.execution.BufferedRowIterator", ROWS},
          new String[] {"org.apache.spark.sql.execution.WholeStageCodegen", ROWS},
          new String[] {"org.apache.spark.sql.catalyst.", "Spark planning/analysis"},
          new String[] {"org.apache.spark.sql.execution.", "Spark planning/analysis"},
          new String[] {"org.apache.spark.sql.", "Spark planning/analysis"},
          new String[] {"org.apache.spark.", "Spark core (jobs, tasks, blocks)"},
          new String[] {"io.netty.", "transport (gRPC, Netty, Vert.x, protobuf)"},
          new String[] {"io.vertx.", "transport (gRPC, Netty, Vert.x, protobuf)"},
          new String[] {"io.grpc.", "transport (gRPC, Netty, Vert.x, protobuf)"},
          new String[] {"org.sparkproject.", "transport (gRPC, Netty, Vert.x, protobuf)"},
          new String[] {"com.google.protobuf.", "transport (gRPC, Netty, Vert.x, protobuf)"},
          new String[] {"com.hazelcast.", "Hazelcast"},
          new String[] {"org.apache.logging.", "logging"},
          new String[] {"org.slf4j.", "logging"});

  public static void main(String[] args) throws Exception {
    String files = System.getProperty("bench.profile.files", "");
    if (!files.isEmpty()) {
      // Only the report, of recordings already made.
      for (String file : files.split(",")) {
        report(file, Path.of(file));
      }
      System.exit(0);
    }
    Settings settings = Settings.fromSystemProperties();
    String kind = System.getProperty("bench.profile.server", Settings.VXCONNECT);
    int seconds = Integer.getInteger("bench.profile.seconds", 30);
    long rows = settings.floorRows();
    Path work =
        Files.createDirectories(
            settings.home().resolve("bench/target/profile-" + System.currentTimeMillis()));
    ServerProcess server =
        kind.equals(Settings.SPARK)
            ? Server.startSpark(settings, work, "spark-profile")
            : Server.startVxconnect(
                settings,
                work,
                "vxconnect-profile",
                FreePort.find(),
                List.of(),
                settings.serverHeap());
    try (SparkSession spark = Programs.connect(server.url())) {
      // A first recording during the warm-up, thrown away: starting JFR's profile settings makes
      // the JIT compile much of the server's code again (measured: its compiler threads 3,100-3,700
      // clock ticks per 1,000 `select 1` for the next 2,000 calls, against about 300 before; a
      // second recording started later: 160), which the recordings measured would otherwise hold.
      jfr(server.pid(), "JFR.start", "name=primer", "settings=profile");
      Programs.selectOne(spark, settings.floorWarmup());
      for (int i = 0; i < 3; i++) {
        Programs.toLocalIterator(spark, rows);
      }
      jfr(server.pid(), "JFR.stop", "name=primer");
      Path select = work.resolve(kind + "-select1.jfr");
      Map<String, ThreadTicks> cpuBefore = threadCpu(server.pid());
      jfr(server.pid(), "JFR.start", "name=select1", "settings=profile");
      long calls = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Programs.selectOne(spark);
        calls++;
      }
      jfr(server.pid(), "JFR.stop", "name=select1", "filename=" + select);
      report(kind + ": select 1, " + calls + " calls in " + seconds + " s", select);
      printCpu(cpuBefore, threadCpu(server.pid()), calls, "call");

      Path collect = work.resolve(kind + "-toLocalIterator.jfr");
      cpuBefore = threadCpu(server.pid());
      jfr(server.pid(), "JFR.start", "name=collect", "settings=profile");
      long runs = 0;
      end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Programs.toLocalIterator(spark, rows);
        runs++;
      }
      jfr(server.pid(), "JFR.stop", "name=collect", "filename=" + collect);
      report(
          String.format(
              Locale.ROOT,
              "%s: toLocalIterator of %,d rows, %d runs in %d s",
              kind,
              rows,
              runs,
              seconds),
          collect);
      printCpu(cpuBefore, threadCpu(server.pid()), runs, "run");
    } finally {
      server.close();
    }
    System.exit(0);
  }

  private static void jfr(long pid, String... command) throws IOException, InterruptedException {
    String[] line = new String[command.length + 2];
    line[0] = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    line[1] = Long.toString(pid);
    System.arraycopy(command, 0, line, 2, command.length);
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
    }
  }

  /** A thread's group and its CPU so far, in clock ticks. */
  private record ThreadTicks(String group, long ticks) {}

  /**
   * The server's CPU so far per thread, from Linux's /proc (empty elsewhere). Execution samples
   * show only threads running Java code: not the JIT compiler's nor the collector's, which are a
   * large part of a server still warming up.
   */
  private static Map<String, ThreadTicks> threadCpu(long pid) throws IOException {
    Map<String, ThreadTicks> threads = new HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return threads;
    }
    try (var ids = Files.list(tasks)) {
      for (Path thread : ids.toList()) {
        try {
          String stat = Files.readString(thread.resolve("stat"));
          // The fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          String name = Files.readString(thread.resolve("comm")).trim();
          threads.put(thread.getFileName().toString(), new ThreadTicks(threadGroup(name), ticks));
        } catch (IOException e) {
          // The thread ended while being read.
        }
      }
    }
    return threads;
  }

  private static String threadGroup(String name) {
    if (name.contains("CompilerThre")) {
      return "JIT compiler";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
      return "GC and VM";
    }
    return name.replaceAll("[0-9]+", "N");
  }

  /** The server's CPU between two {@link #threadCpu} snapshots, per unit of work and by group. */
  private static void printCpu(
      Map<String, ThreadTicks> before, Map<String, ThreadTicks> after, long units, String unit) {
    Map<String, Integer> used = new HashMap<>();
    int total = 0;
    for (Map.Entry<String, ThreadTicks> e : after.entrySet()) {
      ThreadTicks start = before.get(e.getKey());
      // At least 0: an id the kernel gave a new thread after the old one ended.
      int delta = (int) Math.max(0, e.getValue().ticks() - (start == null ? 0 : start.ticks()));
      used.merge(e.getValue().group(), delta, Integer::sum);
      total += delta;
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Server CPU in the window, by thread (/proc; threads that ended in it not counted):"
                + " %.1f s, %.2f ms a %s%n%n",
            total / 100.0,
            units == 0 ? 0 : total * 10.0 / units,
            unit));
    used.values().removeIf(ticks -> ticks == 0);
    table(out, "thread group", "clock ticks (10 ms)", used, total, 12);
    System.out.println(out);
  }

  /** Samples by group (the first non-JDK, non-Scala frame from the top) and the hottest frames. */
  private static void report(String title, Path file) throws IOException {
    Map<String, Integer> groups = new HashMap<>();
    Map<String, Integer> frames = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getStackTrace() == null
          || event.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      total++;
      List<RecordedFrame> stack = event.getStackTrace().getFrames();
      RecordedFrame top = stack.get(0);
      frames.merge(name(top), 1, Integer::sum);
      String group = "JDK only";
      for (RecordedFrame frame : stack) {
        String type = frame.getMethod().getType().getName();
        String found = group(type);
        if (found != null) {
          group = found;
          break;
        }
      }
      groups.merge(group, 1, Integer::sum);
      String thread = event.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "N"), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder("\n## " + title + " (" + file + ")\n\n");
    out.append(total).append(" execution samples (threads running Java code)\n\n");
    table(out, "group", "samples", groups, total, 20);
    table(out, "thread (digits as N)", "samples", threads, total, 10);
    table(out, "top frame", "samples", frames, total, 25);
    System.out.println(out);
  }

  private static String group(String type) {
    for (String[] g : GROUPS) {
      if (type.startsWith(g[0])) {
        return g[1];
      }
    }
    if (type.startsWith("java.")
        || type.startsWith("jdk.")
        || type.startsWith("sun.")
        || type.startsWith("scala.")) {
      return null;
    }
    return "other (" + type.replaceAll("\\.[^.]*$", "") + ")";
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static void table(
      StringBuilder out,
      String what,
      String unit,
      Map<String, Integer> counts,
      int total,
      int limit) {
    out.append("| ")
        .append(what)
        .append(" | ")
        .append(unit)
        .append(" | share |\n|---|---:|---:|\n");
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach(
        (k, v) ->
            out.append(
                String.format(
                    Locale.ROOT, "| %s | %d | %.1f%% |%n", k, v, 100.0 * v / Math.max(1, total))));
    out.append('\n');
  }
}
