package dev.vxconnect.bench;

import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * Workload (e): the TPC-H-like queries on three engines alive at once, classic local Spark (the
 * baseline), Spark's own Connect server and vxconnect, run in turn so that whatever else the machine
 * does during the minutes of the run falls on all three alike. A round runs every query once on
 * every engine, query by query; the engines' order rotates from round to round. Only one engine
 * works at a time; the others wait idle.
 */
final class TpchComparison {

  static final String CLASSIC = "classic";

  private final Settings settings;
  private final Path work;
  private final Path data;

  TpchComparison(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
    this.data = work.resolve("tpch-sf" + settings.tpchScale());
  }

  TpchTimings run() throws Exception {
    List<Engine> engines = new ArrayList<>();
    try {
      Bench.log(
          "bench: (e) generating the TPC-H-like tables (sf "
              + settings.tpchScale()
              + ") on classic Spark");
      long start = System.nanoTime();
      // In a JVM of its own, so that the classic engine starts as fresh as the servers.
      try (ClassicEngine generator = ClassicEngine.start(settings, work)) {
        generator.generate(data, settings.tpchScale());
      }
      TpchTimings timings = new TpchTimings((System.nanoTime() - start) / 1e9);
      engines.add(ClassicEngine.start(settings, work));
      for (String kind : settings.engines()) {
        Bench.log("bench: (e) starting " + kind);
        engines.add(ConnectEngine.start(settings, work, kind));
      }
      for (int i = 0; i < settings.tpchWarmups(); i++) {
        Bench.log("bench: (e) warm-up round " + (i + 1));
        round(engines, i, null);
      }
      for (int i = 0; i < settings.tpchRuns(); i++) {
        Bench.log("bench: (e) timed round " + (i + 1) + " of " + settings.tpchRuns());
        round(engines, i, timings);
      }
      return timings;
    } finally {
      for (Engine engine : engines) {
        engine.close();
      }
    }
  }

  /** Every query once on every engine; {@code timings} null for an untimed round. */
  private void round(List<Engine> engines, int index, TpchTimings timings) throws Exception {
    for (String query : Tpch.QUERIES.keySet()) {
      for (int k = 0; k < engines.size(); k++) {
        Engine engine = engines.get((index + k) % engines.size());
        Tpch.Sample sample = engine.run(data, query);
        if (timings != null) {
          timings.add(query, engine.name(), sample);
        }
      }
    }
  }

  /** Where the queries run. */
  private interface Engine extends AutoCloseable {
    String name();

    Tpch.Sample run(Path data, String query) throws Exception;

    @Override
    void close();
  }

  /** A server under test and one session of the official client on it. */
  private record ConnectEngine(String name, ServerProcess server, SparkSession session)
      implements Engine {

    static ConnectEngine start(Settings settings, Path work, String kind) throws Exception {
      ServerProcess server =
          Server.start(
              settings,
              work,
              kind,
              kind.equals(Settings.SPARK) ? "spark-connect-e" : "vxconnect-e");
      try {
        Workloads.firstAnswer(server.url());
        Workloads.warmUp(server.url());
        return new ConnectEngine(kind, server, Workloads.connect(server.url()));
      } catch (Exception | Error e) {
        server.close();
        throw e;
      }
    }

    @Override
    public Tpch.Sample run(Path data, String query) {
      return Tpch.runOnce(session, data.toString(), query);
    }

    @Override
    public void close() {
      Workloads.closeQuietly(session);
      server.close();
    }
  }

  /** {@link ClassicTpch} in a JVM of its own, one command line at a time. */
  private static final class ClassicEngine implements Engine {
    private final Process process;
    private final BufferedReader answers;
    private final Writer commands;
    private final Path log;

    private ClassicEngine(Process process, Path log) {
      this.process = process;
      this.log = log;
      this.answers =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static ClassicEngine start(Settings settings, Path work) throws IOException {
      Path home = settings.home();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add(SparkServerProcess.jvmFlags(settings.home()));
      command.add("-Xmx" + settings.serverHeap());
      command.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
      command.add("-Dspark.sql.warehouse.dir=" + work.resolve("classic-warehouse"));
      command.add("-cp");
      command.add(
          home.resolve("bench/target/classes") + ":" + home.resolve("verticles/target/lib") + "/*");
      command.add(ClassicTpch.class.getName());
      Path log = work.resolve("classic.log");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .directory(work.toFile())
              .start();
      ClassicEngine engine = new ClassicEngine(process, log);
      try {
        engine.await("READY");
      } catch (IOException | RuntimeException e) {
        engine.close();
        throw e;
      }
      return engine;
    }

    @Override
    public String name() {
      return CLASSIC;
    }

    void generate(Path data, double sf) throws IOException {
      send("generate " + data + " " + sf);
      await("OK");
    }

    @Override
    public Tpch.Sample run(Path data, String query) throws IOException {
      send("run " + data + " " + query);
      String[] parts = await("TPCH ").split(" ");
      return new Tpch.Sample(Long.parseLong(parts[1]), Integer.parseInt(parts[2]), parts[3]);
    }

    private void send(String line) throws IOException {
      commands.write(line + "\n");
      commands.flush();
    }

    /** The next answer line starting with {@code prefix}; other stdout lines are skipped. */
    private String await(String prefix) throws IOException {
      String line;
      while ((line = answers.readLine()) != null) {
        if (line.startsWith(prefix)) {
          return line;
        }
        if (line.startsWith("ERROR")) {
          throw new IOException(
              "classic Spark: " + line.substring(5).trim() + " (log: " + log + ")");
        }
      }
      throw new IOException("the classic Spark JVM exited; see " + log);
    }

    @Override
    public void close() {
      try {
        commands.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
