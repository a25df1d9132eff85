package dev.vxconnect.bench;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a server under test as its own OS process: Apache Spark's own Connect server
 * ({@code SparkConnectServer} from the vxconnect server's class path, where spark-connect_2.13
 * already is) or vxconnect ({@code bin/vxconnect}). Both get the same JVM flags, heap, logging
 * configuration and Spark settings; the log goes to a file under bench/target/. The floor ({@link
 * #startFloor}) is a process too, for the same reason.
 */
final class Server {

  private Server() {}

  /** The Spark settings both servers run with (the vxconnect defaults are otherwise kept). */
  static List<String> sparkSettings(Path work, String name, int port) {
    return SparkServerProcess.defaults(work, name, port);
  }

  /**
   * A single server under test of {@code kind} ({@link Settings#SPARK} or {@link Settings#VXCONNECT}),
   * its files named after {@code name}.
   */
  static ServerProcess start(Settings settings, Path work, String kind, String name)
      throws IOException {
    return kind.equals(Settings.SPARK)
        ? startSpark(settings, work, name)
        : startVxconnect(settings, work, name, FreePort.find(), List.of(), settings.serverHeap());
  }

  /** Apache Spark's own Connect server, started as spark-submit would, with -Dspark.* settings. */
  static ServerProcess startSpark(Settings settings, Path work, String name) throws IOException {
    return startSpark(settings, work, name, List.of());
  }

  /** As {@link #startSpark(Settings, Path, String)}, with these extra {@code key=value} settings. */
  static ServerProcess startSpark(Settings settings, Path work, String name, List<String> extra)
      throws IOException {
    return SparkServerProcess.launch(
        settings.home(), work, name, extra, List.of("-Xmx" + settings.serverHeap()));
  }

  /** A vxconnect instance started with bin/vxconnect, with these extra --conf settings. */
  static ServerProcess startVxconnect(
      Settings settings, Path work, String name, int port, List<String> confs, String heap)
      throws IOException {
    List<String> args = new ArrayList<>();
    for (String setting : sparkSettings(work, name, port)) {
      args.add("--conf");
      args.add(setting);
    }
    args.add("--conf");
    args.add("vxconnect.artifacts.stagingDir=" + work.resolve(name + "-artifacts"));
    for (String conf : confs) {
      args.add("--conf");
      args.add(conf);
    }
    return ServerProcess.launch(
        settings.home(), work, name, args, Map.of("VXCONNECT_JAVA_OPTS", "-Xmx" + heap));
  }

  /**
   * The floor ({@code dev.vxconnect.bench.floor.FloorServer}) in a JVM of its own with this JVM's
   * class path (the official client's relocated grpc-java and Connect messages) and the servers'
   * JVM flags and heap; it records from {@code recordFrom} ({@code rows} rows for the range) before
   * it listens.
   */
  static ServerProcess startFloor(
      Settings settings, Path work, String name, String recordFrom, long rows) throws IOException {
    int port = FreePort.find();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(SparkServerProcess.jvmFlags(settings.home()));
    command.add("-Xmx" + settings.serverHeap());
    command.add("-Dlog4j2.configurationFile=" + settings.home().resolve("conf/log4j2.properties"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.vxconnect.bench.floor.FloorServer");
    command.add(Integer.toString(port));
    command.add(recordFrom);
    command.add(Long.toString(rows));
    return ServerProcess.startAwaitingPort(
        command, work, work.resolve(name + ".log"), port, "the floor");
  }
}
