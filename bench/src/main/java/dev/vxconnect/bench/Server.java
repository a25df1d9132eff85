package dev.vxconnect.bench;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a server under test as its own OS process: Apache Spark's own Connect server
 * ({@code SparkConnectServer} from the vxconnect server's class path, where spark-connect_2.13
 * already is) or vxconnect ({@code bin/vxconnect}). Both get the same JVM flags, heap, logging
 * configuration and Spark settings; the log goes to a file under bench/target/.
 */
final class Server {

  /** The JVM flags bin/vxconnect gives every Spark JVM on Java 17. */
  static final List<String> SPARK_JVM_FLAGS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

  private Server() {}

  /** The Spark settings both servers run with (the vxconnect defaults are otherwise kept). */
  static List<String> sparkSettings(Path work, String name, int port) {
    return List.of(
        "spark.master=local[2]",
        "spark.ui.enabled=false",
        "spark.sql.warehouse.dir=" + work.resolve(name + "-warehouse"),
        "spark.connect.grpc.binding.address=127.0.0.1",
        "spark.connect.grpc.binding.port=" + port);
  }

  /**
   * A single server under test of {@code kind} ({@link Settings#SPARK} or {@link Settings#VXCONNECT}),
   * its files named after {@code name}.
   */
  static ServerProcess start(Settings settings, Path work, String kind, String name) throws IOException {
    return kind.equals(Settings.SPARK)
        ? startSpark(settings, work, name)
        : startVxconnect(settings, work, name, FreePort.find(), List.of(), settings.serverHeap());
  }

  /** Apache Spark's own Connect server, started as spark-submit would, with -Dspark.* settings. */
  static ServerProcess startSpark(Settings settings, Path work, String name) throws IOException {
    return startSpark(settings, work, name, List.of());
  }

  /** As {@link #startSpark(Settings, Path, String)}, with these extra {@code key=value} settings. */
  static ServerProcess startSpark(Settings settings, Path work, String name, List<String> extra) throws IOException {
    int port = FreePort.find();
    Path home = settings.home();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SPARK_JVM_FLAGS);
    command.add("-Xmx" + settings.serverHeap());
    command.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    command.add("-Dlog4j2.shutdownHookEnabled=false");
    command.add("-Dspark.app.name=SparkConnectServer");
    List<String> all = new ArrayList<>(sparkSettings(work, name, port));
    all.addAll(extra);
    for (String setting : all) {
      command.add("-D" + setting);
    }
    command.add("-cp");
    command.add(home.resolve("verticles/target/lib") + "/*");
    command.add("org.apache.spark.sql.connect.service.SparkConnectServer");
    Path log = work.resolve(name + ".log");
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .directory(work.toFile())
        .start();
    try {
      awaitPort(process, port, log);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return ServerProcess.of(process, port, log);
  }

  /** A vxconnect instance started with bin/vxconnect, with these extra --conf settings. */
  static ServerProcess startVxconnect(Settings settings, Path work, String name, int port, List<String> confs,
      String heap) throws IOException {
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
    return ServerProcess.launch(settings.home(), work, name, args, Map.of("VXCONNECT_JAVA_OPTS", "-Xmx" + heap));
  }

  private static void awaitPort(Process process, int port, Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("server exited before listening; see " + log);
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        sleep(200);
      }
    }
    throw new IOException("server did not listen within " + START_TIMEOUT + "; see " + log);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
