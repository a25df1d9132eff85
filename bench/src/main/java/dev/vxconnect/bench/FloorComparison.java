package dev.vxconnect.bench;

import dev.vxconnect.bench.floor.Programs;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Workload (h): the servers against the floor. Spark's server and vxconnect (whichever run) and
 * the floor, which recorded the first one's answers when it started, are all up at once; each
 * round times `select 1`, toLocalIterator and collect on every server in turn, workload by
 * workload, the servers' order rotating from round to round, so that whatever else the machine
 * does falls on all alike. Ratios are medians of same-round ratios of times.
 */
final class FloorComparison {

  static final String SELECT_ONE = "select 1 p50";
  static final String ITERATE = "toLocalIterator";
  static final String COLLECT = "collect";

  /** One server under test with its client session. */
  private record Target(String name, ServerProcess process, SparkSession spark) {}

  private final Settings settings;
  private final Path work;

  FloorComparison(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  Figures run() throws Exception {
    List<ServerProcess> processes = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    try {
      for (String kind : settings.engines()) {
        Bench.log("bench: (h) starting " + kind);
        ServerProcess server = Server.start(settings, work, kind, kind + "-h");
        processes.add(server);
        targets.add(new Target(kind, server, Programs.connect(server.url())));
      }
      Target source = targets.get(0);
      Bench.log("bench: (h) starting the floor, recording from " + source.name());
      ServerProcess floor =
          Server.startFloor(
              settings, work, "floor-h", source.process().url(), settings.floorRows());
      processes.add(floor);
      targets.add(new Target(Settings.FLOOR, floor, Programs.connect(floor.url())));

      Figures figures = new Figures(source.name(), settings.floorRounds());
      for (Target target : targets) {
        Bench.log(
            "bench: (h) warming up " + target.name() + ": " + settings.floorWarmup() + " select 1");
        // Each server alone while the others wait.
        Programs.selectOne(target.spark(), settings.floorWarmup());
      }
      Bench.log("bench: (h) warm-up round");
      round(targets, 0, figures, false);
      for (int i = 0; i < settings.floorRounds(); i++) {
        Bench.log("bench: (h) timed round " + (i + 1) + " of " + settings.floorRounds());
        round(targets, i, figures, true);
      }
      return figures;
    } finally {
      for (Target target : targets) {
        Workloads.closeQuietly(target.spark());
      }
      for (ServerProcess process : processes) {
        process.close();
      }
    }
  }

  /** Each workload on every target, the order rotated by {@code index}. */
  private void round(List<Target> targets, int index, Figures figures, boolean timed)
      throws Exception {
    int calls = timed ? settings.floorCalls() : 20;
    for (int k = 0; k < targets.size(); k++) {
      Target t = targets.get((index + k) % targets.size());
      long[] micros = new long[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        Programs.selectOne(t.spark());
        micros[i] = (System.nanoTime() - start) / 1000;
      }
      Arrays.sort(micros);
      if (timed) {
        figures.add(t.name(), SELECT_ONE, Workloads.percentile(micros, 50) / 1000.0);
      }
    }
    for (String workload : List.of(ITERATE, COLLECT)) {
      for (int k = 0; k < targets.size(); k++) {
        Target t = targets.get((index + k) % targets.size());
        long start = System.nanoTime();
        Programs.Digest digest =
            workload.equals(ITERATE)
                ? Programs.toLocalIterator(t.spark(), settings.floorRows())
                : Programs.collect(t.spark(), settings.floorRows());
        double seconds = (System.nanoTime() - start) / 1e9;
        figures.check(t.name(), workload, digest);
        if (timed) {
          figures.add(t.name(), workload, seconds);
        }
      }
    }
  }

  /** What (h) measured: per server and workload, the time of each round (ms or s). */
  static final class Figures {
    private final String reference;
    private final int rounds;
    private final Map<String, Map<String, List<Double>>> times = new LinkedHashMap<>();
    private final Map<String, Programs.Digest> expected = new LinkedHashMap<>();
    private final Map<String, Boolean> same = new LinkedHashMap<>();

    Figures(String reference, int rounds) {
      this.reference = reference;
      this.rounds = rounds;
    }

    /** The server the floor recorded from; its results are the ones the others must equal. */
    String reference() {
      return reference;
    }

    int rounds() {
      return rounds;
    }

    List<String> servers() {
      return new ArrayList<>(times.keySet());
    }

    void add(String server, String workload, double time) {
      times
          .computeIfAbsent(server, s -> new LinkedHashMap<>())
          .computeIfAbsent(workload, w -> new ArrayList<>())
          .add(time);
    }

    /** Compares a result with the reference server's (the first one seen, in the warm-up). */
    void check(String server, String workload, Programs.Digest digest) {
      if (server.equals(reference)) {
        expected.putIfAbsent(workload, digest);
      }
      Programs.Digest wanted = expected.get(workload);
      boolean equal = wanted == null || wanted.equals(digest);
      same.merge(server, equal, Boolean::logicalAnd);
      if (!equal) {
        Bench.log(
            "bench: (h) "
                + server
                + " "
                + workload
                + " gave "
                + digest
                + ", "
                + reference
                + " "
                + wanted);
      }
    }

    /** Whether every result of {@code server} equalled the reference server's. */
    boolean sameResults(String server) {
      return same.getOrDefault(server, true);
    }

    /** The median time of {@code workload} on {@code server}, or null. */
    Double median(String server, String workload) {
      List<Double> values = times.getOrDefault(server, Map.of()).get(workload);
      return values == null || values.isEmpty() ? null : median(new ArrayList<>(values));
    }

    /** The median over rounds of {@code server}'s time / {@code base}'s time, or null. */
    Double ratio(String server, String base, String workload) {
      List<Double> a = times.getOrDefault(server, Map.of()).get(workload);
      List<Double> b = times.getOrDefault(base, Map.of()).get(workload);
      if (a == null || b == null || a.size() != b.size() || a.isEmpty()) {
        return null;
      }
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        ratios.add(a.get(i) / b.get(i));
      }
      return median(ratios);
    }

    private static double median(List<Double> values) {
      values.sort(Double::compare);
      int n = values.size();
      return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
  }
}
