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

  static final String BEGIN =
      "<!-- bench:results:begin (written by bench/run.sh; edits here are lost) -->";
  static final String END = "<!-- bench:results:end -->";

  /** A row of the side-by-side table. */
  private record Metric(
      String workload, String label, String key, boolean higherIsBetter, String format) {}

  private static final List<Metric> METRICS =
      List.of(
          new Metric("(a) `select 1` latency", "p50 ms", "a.p50_ms", false, "%.2f"),
          new Metric("(a) `select 1` latency", "p99 ms", "a.p99_ms", false, "%.2f"),
          new Metric("(a) `select 1` latency", "mean ms", "a.mean_ms", false, "%.2f"),
          new Metric(
              "(a) a query of a new shape each call (new generated code)",
              "p50 ms",
              "a.shapes_p50_ms",
              false,
              "%.2f"),
          new Metric("(b) collect 3 x 8-byte columns", "rows/s", "b.rows_per_s", true, "%,.0f"),
          new Metric(
              "(b) collect 3 x 8-byte columns",
              "MB/s (24 value bytes a row)",
              "b.mb_per_s",
              true,
              "%.1f"),
          new Metric("(c) concurrent small aggregates", "queries/s", "c.qps", true, "%.1f"),
          new Metric("(c) concurrent small aggregates", "p50 ms", "c.p50_ms", false, "%.1f"),
          new Metric("(c) concurrent small aggregates", "p99 ms", "c.p99_ms", false, "%.1f"),
          new Metric(
              "(c) concurrent small aggregates", "failed queries", "c.failures", false, "%.0f"),
          new Metric("(d) idle sessions", "live heap before, MiB", "d.before_mib", false, "%.1f"),
          new Metric("(d) idle sessions", "live heap after, MiB", "d.after_mib", false, "%.1f"),
          new Metric(
              "(d) idle sessions", "KiB per idle session", "d.kib_per_session", false, "%.1f"),
          new Metric(
              "start", "s from launch to the first `select 1` answered", "start_s", false, "%.1f"));

  private Report() {}

  static String markdown(Settings settings, Results results) {
    StringBuilder md = new StringBuilder();
    String date =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(results.startedAtMillis));
    md.append("### Run of ")
        .append(date)
        .append(" (scale `")
        .append(settings.scale())
        .append("`)\n\n");
    md.append("Command: `")
        .append(
            System.getProperty("bench.command", "bench/run.sh -Dbench.scale=" + settings.scale()))
        .append("` (after `mvn -B -DskipTests package`), ")
        .append(
            String.format(
                Locale.ROOT, "%.0f", (results.finishedAtMillis - results.startedAtMillis) / 1000.0))
        .append(" s.\n\n");
    md.append("Machine: ")
        .append(machine())
        .append(". Load average (1, 5, 15 min) before the harness")
        .append(" started anything: ")
        .append(results.loadBefore)
        .append("; at the end, with its own servers: ")
        .append(results.loadAfter)
        .append(".\n\n");
    if (loaded(results.loadBefore)) {
      md.append(
          "> **This run was on a loaded machine** (1-minute load average above half the cores before"
              + " the harness started: other work was running). Its numbers show that the harness works, not"
              + " how the servers compare.\n\n");
    }
    if (!settings.note().isEmpty()) {
      md.append("> ").append(settings.note()).append("\n\n");
    }
    md.append("Sizes: ").append(settings.describe()).append(".\n\n");

    if (!results.metrics.isEmpty()) {
      sideBySide(md, settings, results);
    }

    if (results.tpch != null && !results.tpch.isEmpty()) {
      tpch(md, results.tpch);
    }

    if (!results.kills.isEmpty()) {
      md.append(
              "(f) vxconnect, two instances behind a TCP load balancer: kill -9 of the instance that")
          .append(
              " owns the client's session, then the same query again (official client, default retry")
          .append(" policies; the harness retries a failed query after 50 ms and counts it).\n\n");
      md.append(
          "| kill | ms from the kill to the next successful query | failed attempts before it | same result as before the kill |\n");
      md.append("|---:|---:|---:|---|\n");
      int i = 1;
      for (Failover.Kill kill : results.kills) {
        md.append("| ")
            .append(i++)
            .append(" | ")
            .append(kill.millis())
            .append(" | ")
            .append(kill.failedAttempts())
            .append(" | ")
            .append(kill.sameResult() ? "yes" : "**no**")
            .append(" |\n");
      }
      md.append('\n');
    }

    if (results.resume != null) {
      Failover.Resume r = results.resume;
      md.append(
          String.format(
              Locale.ROOT,
              "(f) A %,d-row result read with toLocalIterator through the balancer,"
                  + " its instance killed once the client had %,d rows: the next result row arrived %,d ms after the"
                  + " kill (the other instance took the session over, ran the query again and checked the result"
                  + " responses up to the client's position); every row came once: %s. Collect of the same result,"
                  + " medians of %d alternating rounds on two clusters up at once: %,.0f rows/s with result marks,"
                  + " %,.0f rows/s with vxconnect.cluster.resumeResults=false; median of the rounds' ratios"
                  + " %.2fx.%n%n",
              r.rows(),
              200_000,
              r.millisToNextRow(),
              r.everyRowOnce() ? "yes" : "**no**",
              r.rounds(),
              r.rowsPerSecond(),
              r.rowsPerSecondWithoutMarks(),
              r.medianRatio()));
    }

    if (!results.durable.isEmpty()) {
      durable(md, results.durable);
    }

    if (results.floor != null) {
      FloorReport.append(md, settings, results.floor);
    }

    if (results.hibernated != null) {
      HibernatedSessions.Figures h = results.hibernated;
      Double sparkIdle = results.get(Settings.SPARK, "d.kib_per_session");
      md.append(
          String.format(
              "(i) %,d sessions opened by a Config set each (%.0f s) and left to hibernate, on one"
                  + " vxconnect with -Xmx4g: live heap %.1f MiB before, %.1f MiB after, **%.2f KiB per"
                  + " hibernated session**%s.%n%n",
              h.sessions(),
              h.openSeconds(),
              h.beforeBytes() / 1048576.0,
              h.afterBytes() / 1048576.0,
              h.bytesPerSession() / 1024,
              sparkIdle == null
                  ? ""
                  : String.format(
                      "; an idle session on Spark's server in (d): %.1f KiB (%.3fx)",
                      sparkIdle, h.bytesPerSession() / 1024 / sparkIdle)));
    }

    if (!results.errors.isEmpty()) {
      md.append("Failures in this run:\n\n");
      for (Map.Entry<String, String> e : results.errors.entrySet()) {
        md.append("- ")
            .append(e.getKey())
            .append(": `")
            .append(e.getValue().replace('`', '\''))
            .append("`\n");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** Workloads (a) to (d) and the start, both servers side by side. */
  private static void sideBySide(StringBuilder md, Settings settings, Results results) {
    md.append(
        "| workload | metric | Spark Connect 4.1.2 | vxconnect | vxconnect / Spark | vxconnect is |\n");
    md.append("|---|---|---:|---:|---:|---|\n");
    for (Metric m : METRICS) {
      Double spark = results.get(Settings.SPARK, m.key());
      Double vx = results.get(Settings.VXCONNECT, m.key());
      if (spark == null && vx == null) {
        continue;
      }
      md.append("| ")
          .append(m.workload())
          .append(" | ")
          .append(m.label())
          .append(" | ")
          .append(format(m.format(), spark, settings.servers().contains(Settings.SPARK)))
          .append(" | ")
          .append(format(m.format(), vx, settings.servers().contains(Settings.VXCONNECT)))
          .append(" | ");
      if (spark != null && vx != null && spark != 0) {
        double ratio = vx / spark;
        md.append(String.format(Locale.ROOT, "%.2f", ratio)).append(" | ");
        boolean ahead = m.higherIsBetter() ? vx >= spark : vx <= spark;
        md.append(
            m.key().startsWith("d.before") || m.key().startsWith("d.after")
                ? ""
                : ahead ? "ahead" : "behind");
      } else {
        md.append(" | ");
      }
      md.append(" |\n");
    }
    md.append('\n');
  }

  /** Replaces the results section of {@code file} (or creates the file around it). */
  static void write(Path file, String section) throws IOException {
    String block = BEGIN + "\n" + section + END + "\n";
    String text;
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int begin = old.indexOf(BEGIN);
      int end = old.indexOf(END);
      text =
          begin >= 0 && end > begin
              ? old.substring(0, begin)
                  + block
                  + old.substring(end + END.length()).replaceFirst("^\n", "")
              : old + "\n" + block;
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
      text = "# Benchmarks\n\n" + block;
    }
    Files.writeString(file, text);
  }

  private static void tpch(StringBuilder md, TpchTimings tpch) {
    md.append(
            "(e) TPC-H-like queries on classic local Spark and on each server, in turn: each round runs")
        .append(
            " every query once on every engine (all three alive, one working at a time, the order")
        .append(
            " rotating); a run builds the DataFrame and collects it. ms: median of the timed rounds;")
        .append(
            " overhead: median over the rounds of server ms / classic ms in the same round, minus one.")
        .append(
            String.format(
                Locale.ROOT,
                " Tables generated on classic Spark in %.1f s.",
                tpch.generateSeconds()))
        .append("\n\n");
    md.append(
        "| query | rows | classic ms | Spark Connect ms | overhead | vxconnect ms | overhead | vxconnect / Spark | same result |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (String query : Tpch.QUERIES.keySet()) {
      if (tpch.rows(query) < 0) {
        continue;
      }
      Long spark = tpch.medianMillis(query, Settings.SPARK);
      Long vx = tpch.medianMillis(query, Settings.VXCONNECT);
      md.append("| ")
          .append(query)
          .append(" | ")
          .append(tpch.rows(query))
          .append(" | ")
          .append(orEmpty(tpch.medianMillis(query, TpchComparison.CLASSIC)))
          .append(" | ")
          .append(orEmpty(spark))
          .append(" | ")
          .append(percent(tpch.overhead(query, Settings.SPARK)))
          .append(" | ")
          .append(orEmpty(vx))
          .append(" | ")
          .append(percent(tpch.overhead(query, Settings.VXCONNECT)))
          .append(" | ")
          .append(
              spark == null || vx == null || spark == 0
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", vx / (double) spark))
          .append(" | ")
          .append(tpch.sameResult(query) ? "yes" : "**no**")
          .append(" |\n");
    }
    md.append('\n');
  }

  private static void durable(StringBuilder md, Map<String, DurableState.Figures> figures) {
    md.append(
            "(g) Durable state, each server alone against one PostgreSQL 15 server on this machine: vxconnect")
        .append(
            " as a cluster member without a database (as before), the same with `vxconnect.state.jdbc.*`")
        .append(
            " (records written through, Hive catalog in PostgreSQL), and Spark's own Connect server with")
        .append(
            " the Hive catalog in the same metastore. Latencies per call from the official client, in ms.\n\n");
    md.append(
        "| server | first start, s | start, s | Config set p50 | p99 | CREATE TABLE p50 | p99 |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, DurableState.Figures> e : figures.entrySet()) {
      DurableState.Figures f = e.getValue();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f |%n",
              e.getKey(),
              f.firstStartSeconds(),
              f.startSeconds(),
              f.configP50(),
              f.configP99(),
              f.createP50(),
              f.createP99()));
    }
    DurableState.Figures today = figures.get(DurableState.TODAY);
    DurableState.Figures durable = figures.get(DurableState.DURABLE);
    if (today != null && durable != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nWrite-through adds %+.2f ms to a Config set at p50 (goal: at most +5 ms)"
                  + " and %+.1f ms to a CREATE TABLE at p50 (Hive metastore instead of the in-memory catalog).%n",
              durable.configP50() - today.configP50(),
              durable.createP50() - today.createP50()));
    }
    md.append('\n');
  }

  private static String orEmpty(Object value) {
    return value == null ? "" : value.toString();
  }

  private static String percent(Double fraction) {
    return fraction == null ? "" : String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
  }

  private static String format(String format, Double value, boolean ran) {
    return value != null ? String.format(Locale.ROOT, format, value) : ran ? "failed" : "not run";
  }

  private static boolean loaded(String loadAverage) {
    try {
      return Double.parseDouble(loadAverage.split(" ")[0])
          > Runtime.getRuntime().availableProcessors() / 2.0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    String memory = "";
    try {
      Matcher m =
          Pattern.compile("(?m)^model name\\s*:\\s*(.+)$")
              .matcher(Files.readString(Path.of("/proc/cpuinfo")));
      if (m.find()) {
        cpu = m.group(1).trim();
      }
      Matcher mem =
          Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB")
              .matcher(Files.readString(Path.of("/proc/meminfo")));
      if (mem.find()) {
        memory =
            String.format(Locale.ROOT, ", %.0f GiB RAM", Long.parseLong(mem.group(1)) / 1048576.0);
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
    return cpu
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores"
        + memory
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.version");
  }
}
