package dev.vxconnect.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache Spark's own Connect server ({@code org.apache.spark.sql.connect.service.SparkConnectServer},
 * from the jars of the vxconnect server's class path, verticles/target/lib, where spark-connect_2.13
 * already is), started as its own OS process the way spark-submit would: the JVM flags
 * bin/vxconnect gives a Spark JVM, {@code -Dspark.*} settings, vxconnect's log4j configuration.
 * The benchmark compares vxconnect with it; e2e tests use it as a second oracle.
 */
public final class SparkServerProcess {

  /**
   * The JVM flags every Spark JVM needs on Java 17, as the argument to give {@code java}: the
   * argument file in {@code home}'s conf/, which bin/vxconnect and the build read too.
   */
  public static String jvmFlags(Path home) {
    return "@" + home.resolve("conf/spark-jvm.flags");
  }

  private SparkServerProcess() {}

  /**
   * The settings every Spark server of ours runs with: local[2], no UI, its warehouse under
   * {@code dir}, loopback only, this port.
   */
  public static List<String> defaults(Path dir, String name, int port) {
    return List.of(
        "spark.master=local[2]",
        "spark.ui.enabled=false",
        "spark.sql.warehouse.dir=" + dir.resolve(name + "-warehouse"),
        "spark.connect.grpc.binding.address=127.0.0.1",
        "spark.connect.grpc.binding.port=" + port);
  }

  /**
   * A server for an e2e test: the {@link #defaults} plus these {@code key=value} settings, its log
   * and warehouse in {@link ServerProcess#logDirectory()}, C1 only (as a test vxconnect, see
   * {@link ServerProcess#QUICK_JAVA_OPTS}), the classes of a first start mapped from a {@link
   * ClassArchive}.
   */
  public static ServerProcess start(String name, List<String> settings) throws IOException {
    Path home = ServerProcess.home();
    Path dir = ServerProcess.logDirectory();
    List<String> jvmOptions = new ArrayList<>(List.of(ServerProcess.QUICK_JAVA_OPTS.split(" ")));
    ClassArchive.options(home, ClassArchive.Kind.SPARK).ifPresent(jvmOptions::add);
    return launch(home, dir, name, settings, jvmOptions);
  }

  /**
   * Starts the server from {@code home}'s verticles/target/lib in {@code dir} (its log:
   * {@code dir/name.log}) with the {@link #defaults} on a free port, then these extra settings and
   * JVM options, and waits until it listens.
   */
  public static ServerProcess launch(
      Path home, Path dir, String name, List<String> settings, List<String> jvmOptions)
      throws IOException {
    int port = FreePort.find();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(jvmFlags(home));
    command.addAll(jvmOptions);
    command.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    command.add("-Dlog4j2.shutdownHookEnabled=false");
    command.add("-Dspark.app.name=SparkConnectServer");
    List<String> all = new ArrayList<>(defaults(dir, name, port));
    all.addAll(settings);
    for (String setting : all) {
      command.add("-D" + setting);
    }
    command.add("-cp");
    command.add(home.resolve("verticles/target/lib") + "/*");
    command.add("org.apache.spark.sql.connect.service.SparkConnectServer");
    return ServerProcess.startAwaitingPort(
        command, dir, dir.resolve(name + ".log"), port, "Spark's Connect server");
  }
}
