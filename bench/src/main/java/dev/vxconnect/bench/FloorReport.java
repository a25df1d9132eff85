package dev.vxconnect.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's section for workload (h), the servers against the floor ({@link FloorComparison}). */
final class FloorReport {

  private FloorReport() {}

  private static final Map<String, String> NAMES =
      Map.of(
          Settings.SPARK,
          "Spark Connect 4.1.2",
          Settings.VXCONNECT,
          "vxconnect",
          Settings.FLOOR,
          "floor");

  /** Appends (h)'s table: each server's medians, then the ratios to Spark's server and to the floor. */
  static void append(StringBuilder md, Settings settings, FloorComparison.Figures f) {
    md.append(
            String.format(
                Locale.ROOT,
                "(h) Against the floor: the servers and the floor (recorded answers of %s, replayed"
                    + " with nothing computed) up at once, %d timed rounds after %,d untimed `select 1`"
                    + " on each server in turn and one untimed round; each round"
                    + " runs each workload on every server in turn, the order rotating. `select 1`: the"
                    + " p50 of %d calls in a round; toLocalIterator and collect: %,d rows of 3 x 8-byte"
                    + " columns, one run a round. Figures: medians over the rounds; ratios: medians of the"
                    + " same-round ratios of *times* (below 1 is faster).%n%n",
                NAMES.get(f.reference()),
                f.rounds(),
                settings.floorWarmup(),
                settings.floorCalls(),
                settings.floorRows()))
        .append("| workload |");
    List<String> servers = f.servers();
    for (String server : servers) {
      md.append(' ').append(NAMES.getOrDefault(server, server)).append(" |");
    }
    List<String[]> ratios = new ArrayList<>();
    for (String server : servers) {
      if (!server.equals(Settings.SPARK)
          && !server.equals(Settings.FLOOR)
          && servers.contains(Settings.SPARK)) {
        ratios.add(new String[] {server, Settings.SPARK});
      }
    }
    for (String server : servers) {
      if (!server.equals(Settings.FLOOR)) {
        ratios.add(new String[] {server, Settings.FLOOR});
      }
    }
    for (String[] r : ratios) {
      md.append(' ').append(r[0]).append(" / ").append(r[1]).append(" |");
    }
    md.append("\n|---|").append("---:|".repeat(servers.size() + ratios.size())).append('\n');
    for (String workload :
        List.of(FloorComparison.SELECT_ONE, FloorComparison.ITERATE, FloorComparison.COLLECT)) {
      boolean latency = workload.equals(FloorComparison.SELECT_ONE);
      md.append("| ").append(latency ? "`select 1`, p50 ms" : workload + ", rows/s").append(" |");
      for (String server : servers) {
        Double time = f.median(server, workload);
        md.append(' ')
            .append(
                time == null
                    ? ""
                    : latency
                        ? String.format(Locale.ROOT, "%.2f", time)
                        : String.format(Locale.ROOT, "%,.0f", settings.floorRows() / time))
            .append(" |");
      }
      for (String[] r : ratios) {
        Double ratio = f.ratio(r[0], r[1], workload);
        md.append(' ')
            .append(ratio == null ? "" : String.format(Locale.ROOT, "%.2fx", ratio))
            .append(" |");
      }
      md.append('\n');
    }
    md.append("\nSame results as ").append(NAMES.get(f.reference())).append(" in every run: ");
    StringBuilder verdicts = new StringBuilder();
    for (String server : servers) {
      verdicts
          .append(verdicts.length() == 0 ? "" : ", ")
          .append(server)
          .append(' ')
          .append(f.sameResults(server) ? "yes" : "**no**");
    }
    md.append(verdicts).append(".\n\n");
  }
}
