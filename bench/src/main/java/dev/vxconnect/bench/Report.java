package dev.vxconnect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report: a markdown section with both servers side by side. It replaces what lies between
 * {@link #BEGIN} and {@link #END} in the output file, so the hand-written analysis around it stays.
 */
final class Report {

  static final String BEGIN = "<!-- bench:results:begin (written by bench/run.sh; edits here are lost) -->";
  static final String END = "<!-- bench:results:end -->";

  /** A row of the side-by-side table. */
  private record Metric(String workload, String label, String key, boolean higherIsBetter, String format) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("(a) `select 1` latency", "p50 ms", "a.p50_ms", false, "%.2f"),
      new Metric("(a) `select 1` latency", "p99 ms", "a.p99_ms", false, "%.2f"),
      new Metric("(a) `select 1` latency", "mean ms", "a.mean_ms", false, "%.2f"),
      new Metric("(b) collect 3 x 8-byte columns", "rows/s", "b.rows_per_s", true, "%,.0f"),
      new Metric("(b) collect 3 x 8-byte columns", "MB/s (24 value bytes a row)", "b.mb_per_s", true, "%.1f"),
      new Metric("(c) concurrent small aggregates", "queries/s", "c.qps", true, "%.1f"),
      new Metric("(c) concurrent small aggregates", "p50 ms", "c.p50_ms", false, "%.1f"),
      new Metric("(c) concurrent small aggregates", "p99 ms", "c.p99_ms", false, "%.1f"),
      new Metric("(c) concurrent small aggregates", "failed queries", "c.failures", false, "%.0f"),
      new Metric("(d) idle sessions", "live heap before, MiB", "d.before_mib", false, "%.1f"),
      new Metric("(d) idle sessions", "live heap after, MiB", "d.after_mib", false, "%.1f"),
      new Metric("(d) idle sessions", "KiB per idle session", "d.kib_per_session", false, "%.1f"),
      new Metric("start", "s from launch to the first `select 1` answered", "start_s", false, "%.1f"));

  private Report() {}

  static String markdown(Settings settings, Results results) {
    StringBuilder md = new StringBuilder();
    String date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(results.startedAtMillis));
    md.append("### Run of ").append(date).append(" (scale `").append(settings.scale()).append("`)\n\n");
    md.append("Command: `").append(System.getProperty("bench.command", "bench/run.sh -Dbench.scale=" + settings.scale()))
        .append("` (after `mvn -B -DskipTests package`), ")
        .append(String.format(Locale.ROOT, "%.0f", (results.finishedAtMillis - results.startedAtMillis) / 1000.0))
        .append(" s.\n\n");
    md.append("Machine: ").append(machine()).append(". Load average (1, 5, 15 min) at the start: ")
        .append(results.loadBefore).append("; at the end: ").append(results.loadAfter).append(".\n\n");
    if (loaded(results.loadBefore) || loaded(results.loadAfter)) {
      md.append("> **This run was on a loaded machine** (load average above half the cores: other work was"
          + " running). Its numbers show that the harness works, not how the servers compare.\n\n");
    }
    if (!settings.note().isEmpty()) {
      md.append("> ").append(settings.note()).append("\n\n");
    }
    md.append("Sizes: ").append(settings.describe()).append(".\n\n");

    md.append("| workload | metric | Spark Connect 4.1.2 | vxconnect | vxconnect / Spark | vxconnect is |\n");
    md.append("|---|---|---:|---:|---:|---|\n");
    for (Metric m : METRICS) {
      Double spark = results.get(Settings.SPARK, m.key());
      Double vx = results.get(Settings.VXCONNECT, m.key());
      if (spark == null && vx == null) {
        continue;
      }
      md.append("| ").append(m.workload()).append(" | ").append(m.label()).append(" | ")
          .append(format(m.format(), spark, settings.servers().contains(Settings.SPARK))).append(" | ")
          .append(format(m.format(), vx, settings.servers().contains(Settings.VXCONNECT))).append(" | ");
      if (spark != null && vx != null && spark != 0) {
        double ratio = vx / spark;
        md.append(String.format(Locale.ROOT, "%.2f", ratio)).append(" | ");
        boolean ahead = m.higherIsBetter() ? vx >= spark : vx <= spark;
        md.append(m.key().startsWith("d.before") || m.key().startsWith("d.after") ? "" : ahead ? "ahead" : "behind");
      } else {
        md.append(" | ");
      }
      md.append(" |\n");
    }
    md.append('\n');

    List<Tpch.Timing> classic = results.tpch.get("classic");
    if (!results.tpch.isEmpty()) {
      md.append("(e) TPC-H-like queries, median ms of the timed runs (each run builds the DataFrame and")
          .append(" collects it); overhead = server / classic local SparkSession - 1. Tables generated")
          .append(" through ").append(results.tpchGeneratedBy)
          .append(String.format(Locale.ROOT, " in %.1f s", results.tpchGenerateSeconds)).append(".\n\n");
      md.append("| query | rows | classic ms | Spark Connect ms | overhead | vxconnect ms | overhead | same result |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
      for (String query : Tpch.QUERIES.keySet()) {
        Tpch.Timing c = find(classic, query);
        Tpch.Timing s = find(results.tpch.get(Settings.SPARK), query);
        Tpch.Timing v = find(results.tpch.get(Settings.VXCONNECT), query);
        Tpch.Timing any = c != null ? c : s != null ? s : v;
        if (any == null) {
          continue;
        }
        md.append("| ").append(query).append(" | ").append(any.rows()).append(" | ")
            .append(c == null ? "" : c.median()).append(" | ")
            .append(s == null ? "" : s.median()).append(" | ").append(overhead(s, c)).append(" | ")
            .append(v == null ? "" : v.median()).append(" | ").append(overhead(v, c)).append(" | ")
            .append(sameResult(c, s, v)).append(" |\n");
      }
      md.append('\n');
    }

    if (!results.kills.isEmpty()) {
      md.append("(f) vxconnect, two instances behind a TCP load balancer: kill -9 of the instance that")
          .append(" owns the client's session, then the same query again (official client, default retry")
          .append(" policies; the harness retries a failed query after 50 ms and counts it).\n\n");
      md.append("| kill | ms from the kill to the next successful query | failed attempts before it | same result as before the kill |\n");
      md.append("|---:|---:|---:|---|\n");
      int i = 1;
      for (Failover.Kill kill : results.kills) {
        md.append("| ").append(i++).append(" | ").append(kill.millis()).append(" | ")
            .append(kill.failedAttempts()).append(" | ").append(kill.sameResult() ? "yes" : "**no**").append(" |\n");
      }
      md.append('\n');
    }

    if (!results.errors.isEmpty()) {
      md.append("Failures in this run:\n\n");
      for (Map.Entry<String, String> e : results.errors.entrySet()) {
        md.append("- ").append(e.getKey()).append(": `").append(e.getValue().replace('`', '\'')).append("`\n");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** Replaces the results section of {@code file} (or creates the file around it). */
  static void write(Path file, String section) throws IOException {
    String block = BEGIN + "\n" + section + END + "\n";
    String text;
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int begin = old.indexOf(BEGIN);
      int end = old.indexOf(END);
      text = begin >= 0 && end > begin
          ? old.substring(0, begin) + block + old.substring(end + END.length()).replaceFirst("^\n", "")
          : old + "\n" + block;
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
      text = "# Benchmarks\n\n" + block;
    }
    Files.writeString(file, text);
  }

  private static Tpch.Timing find(List<Tpch.Timing> timings, String query) {
    return timings == null ? null
        : timings.stream().filter(t -> t.query().equals(query)).findFirst().orElse(null);
  }

  private static String overhead(Tpch.Timing server, Tpch.Timing classic) {
    if (server == null || classic == null || classic.median() == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "%+.0f%%", (server.median() / (double) classic.median() - 1) * 100);
  }

  private static String sameResult(Tpch.Timing... timings) {
    String digest = null;
    for (Tpch.Timing t : timings) {
      if (t == null) {
        continue;
      }
      if (digest == null) {
        digest = t.digest();
      } else if (!digest.equals(t.digest())) {
        return "**no**";
      }
    }
    return "yes";
  }

  private static String format(String format, Double value, boolean ran) {
    return value != null ? String.format(Locale.ROOT, format, value) : ran ? "failed" : "not run";
  }

  private static boolean loaded(String loadAverage) {
    try {
      return Double.parseDouble(loadAverage.split(" ")[0]) > Runtime.getRuntime().availableProcessors() / 2.0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    String memory = "";
    try {
      Matcher m = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(Files.readString(Path.of("/proc/cpuinfo")));
      if (m.find()) {
        cpu = m.group(1).trim();
      }
      Matcher mem = Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB").matcher(Files.readString(Path.of("/proc/meminfo")));
      if (mem.find()) {
        memory = String.format(Locale.ROOT, ", %.0f GiB RAM", Long.parseLong(mem.group(1)) / 1048576.0);
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores" + memory + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version");
  }
}
