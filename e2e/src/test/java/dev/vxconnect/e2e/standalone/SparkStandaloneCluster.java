package dev.vxconnect.e2e.standalone;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine: a Master and Worker JVMs started from Spark's own
 * classes ({@code org.apache.spark.deploy.master.Master}, {@code ...worker.Worker}) as separate
 * OS processes on 127.0.0.1, as {@code sbin/start-master.sh} and {@code start-worker.sh} would.
 *
 * <p>Its SPARK_HOME is generated under target/ from the server's runtime class path: a {@code jars/}
 * directory of links to verticles/target/lib, without vxconnect's own jars, so that executors have
 * what the official Spark image has and nothing of ours (the server must ship what they need).
 * Workers launch executors with {@code $SPARK_HOME/jars/*} as their class path.
 */
final class SparkStandaloneCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final List<String> JVM_FLAGS =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          // No REST submission server: it would take the fixed port 6066.
          "-Dspark.master.rest.enabled=false");

  private final Path sparkHome;
  private final Process master;
  private final List<Process> workers;
  private final int masterPort;
  private final int masterWebUiPort;
  private final List<Integer> workerWebUiPorts;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SparkStandaloneCluster(
      Path sparkHome, Process master, int masterPort, int masterWebUiPort) {
    this.sparkHome = sparkHome;
    this.master = master;
    this.masterPort = masterPort;
    this.masterWebUiPort = masterWebUiPort;
    this.workers = new ArrayList<>();
    this.workerWebUiPorts = new ArrayList<>();
  }

  /** Starts a Master and {@code workers} Workers of {@code cores} cores and {@code memory} each. */
  static SparkStandaloneCluster start(int workers, int cores, String memory) throws Exception {
    Path sparkHome = createSparkHome();
    int port = FreePort.find();
    int webUi = FreePort.find();
    Process master =
        launch(
            sparkHome,
            "spark-master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                Integer.toString(webUi)));
    SparkStandaloneCluster cluster = new SparkStandaloneCluster(sparkHome, master, port, webUi);
    try {
      cluster.await(
          "the master to be ALIVE", () -> cluster.masterJson().contains("\"status\" : \"ALIVE\""));
      for (int i = 0; i < workers; i++) {
        int workerWebUi = FreePort.find();
        Path workDir = Files.createDirectories(sparkHome.resolve("work-" + i));
        cluster.workers.add(
            launch(
                sparkHome,
                "spark-worker-" + i,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    cluster.masterUrl(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(FreePort.find()),
                    "--webui-port",
                    Integer.toString(workerWebUi),
                    "--cores",
                    Integer.toString(cores),
                    "--memory",
                    memory,
                    "--work-dir",
                    workDir.toString())));
        cluster.workerWebUiPorts.add(workerWebUi);
      }
      cluster.await(
          workers + " alive workers",
          () -> cluster.masterJson().contains("\"aliveworkers\" : " + workers));
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:port}, the master URL to give the drivers. */
  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The master's state as its web UI gives it (GET /json): workers, active and completed apps. */
  String masterJson() throws IOException, InterruptedException {
    return get(masterWebUiPort);
  }

  /** Worker {@code index}'s state (GET /json on its web UI), with the executors it runs. */
  String workerJson(int index) throws IOException, InterruptedException {
    return get(workerWebUiPorts.get(index));
  }

  /** The process ids of the executors the workers run now (their child JVMs). */
  Set<Long> executorPids() {
    return workers.stream()
        .flatMap(Process::children)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  Path sparkHome() {
    return sparkHome;
  }

  /** Waits until the master's JSON satisfies {@code condition}. */
  void awaitMaster(String what, Predicate<String> condition) throws Exception {
    await(what, () -> condition.test(masterJson()));
  }

  private String get(int port) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IOException(
            "the Spark master exited; see " + logDir().resolve("spark-master.log"));
      }
      try {
        if (check.ok()) {
          return;
        }
      } catch (IOException e) {
        last = e; // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("timed out waiting for " + what + " (logs in " + logDir() + ")", last);
  }

  /**
   * Stops the workers (SIGTERM: each kills its executors), then the master; anything still running
   * after 20 s is killed, executors included.
   */
  @Override
  public void close() {
    List<ProcessHandle> executors = workers.stream().flatMap(Process::descendants).toList();
    workers.forEach(Process::destroy);
    for (Process worker : workers) {
      stop(worker);
    }
    executors.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    master.destroy();
    stop(master);
  }

  private static void stop(Process process) {
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Process launch(Path sparkHome, String name, List<String> mainAndArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-cp");
    command.add(sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    Path log = logDir().resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .directory(sparkHome.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    // The launcher library looks for a build tree unless it is told the Scala version.
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return builder.start();
  }

  private static Path logDir() throws IOException {
    return ServerProcess.logDirectory();
  }

  /** spark-home in the target directory: jars/ links to the server's runtime jars except vxconnect's, conf/. */
  private static Path createSparkHome() throws IOException {
    Path home = ServerProcess.home();
    Path lib = home.resolve("verticles/target/lib");
    if (!Files.isDirectory(lib)) {
      throw new IOException(lib + " is missing: run mvn -B -DskipTests package first");
    }
    Path sparkHome = ServerProcess.targetDirectory().resolve("spark-home");
    Path jars = sparkHome.resolve("jars");
    if (Files.exists(sparkHome)) {
      try (Stream<Path> old = Files.walk(sparkHome)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(jars);
    try (Stream<Path> files = Files.list(lib)) {
      for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
        if (!jar.getFileName().toString().startsWith("vxconnect-")) {
          Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
        }
      }
    }
    Path conf = Files.createDirectories(sparkHome.resolve("conf"));
    try (InputStream log4j =
        SparkStandaloneCluster.class.getResourceAsStream("spark-log4j2.properties")) {
      Files.copy(log4j, conf.resolve("log4j2.properties"));
    }
    return sparkHome;
  }
}
