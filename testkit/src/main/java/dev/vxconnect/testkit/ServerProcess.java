package dev.vxconnect.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vxconnect server started the way users start it, {@code bin/vxconnect}, as its own OS process
 * on a free loopback port. Its stderr (the log) goes to a file under target/ for post-mortems. e2e
 * tests start it with their defaults ({@link #start}); the benchmark with its own ({@link #launch}).
 */
public final class ServerProcess implements AutoCloseable {

  /**
   * The C1 compiler only, with the code cache a tiered JVM gets (240 MB). Alone, C1 gets 48 MB,
   * which Spark's code fills in a server that lives minutes: the sweeper then flushes compiled
   * methods that C1 compiles again. The differential test's server: 83 CPU s instead of 99 (C1
   * 9.5 s instead of 17.1, the sweeper's 4.9 s gone), 83 s instead of 91 s.
   */
  public static final String C1_ONLY = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m";

  /**
   * JVM options of a test server unless the test passes VXCONNECT_JAVA_OPTS: the C1 compiler only.
   * A test server lives seconds to minutes on two cores shared with its client (and sometimes other
   * servers); C2's compilations of Spark's large code cost more CPU than its faster code gives back
   * in that time (e.g. the 200-session test: 196 s with C2, 140 s with C1 only). And the serial
   * collector: a test server's live heap is small, and the whole verify is CPU-bound on two cores
   * (96% busy in the parallel server run); G1's concurrent threads and barriers cost more CPU than
   * its short pauses are worth there (five classes of scenarios: 7.7% less CPU for the whole run,
   * oracle included). Tests that measure pauses pass the default collector (SlowClientE2ETest).
   */
  public static final String QUICK_JAVA_OPTS = "-Xmx3g " + C1_ONLY + " -XX:+UseSerialGC";

  private static final Pattern LISTENING =
      Pattern.compile("vxconnect listening on sc://[^:]+:(\\d+)");

  /** Long enough for a cold start on two cores shared with other servers (a bench server's too). */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

  /** Where stopped servers' CPU is recorded, beside their logs (see {@link #recordCpu()}). */
  public static final String CPU_FILE = "server-cpu.tsv";

  /**
   * The build directory of the module whose tests run in this JVM (oracle or e2e): their files go
   * there, so that each module's clean deletes only its own. Unset, e2e/target.
   */
  public static final String TARGET_PROPERTY = "vxconnect.e2e.target";

  /** Names this test JVM's run when several run at once (see {@link #logDirectory()}). */
  public static final String RUN_PROPERTY = "vxconnect.e2e.run";

  /** Server key: run a few plans before serving. Off unless a test's confs set it. */
  public static final String WARMUP = "vxconnect.server.warmup";

  private final Process process;
  private final int port;
  private final Path log;
  private final long listeningSince = System.nanoTime();
  private final AtomicBoolean cpuRecorded = new AtomicBoolean();

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a server with these extra {@code --conf key=value} settings and waits until it listens. */
  public static ServerProcess start(String name, List<String> confs) throws IOException {
    return start(name, confs, Map.of());
  }

  /** As {@link #start(String, List)}, with these extra environment variables for the server. */
  public static ServerProcess start(String name, List<String> confs, Map<String, String> env)
      throws IOException {
    return start(name, FreePort.find(), confs, env);
  }

  /**
   * As {@link #start(String, List, Map)}, on this gRPC port (e.g. to restart a server in place):
   * loopback only, local[2], no UI, no warm-up unless the confs turn it on, its files under
   * {@link #logDirectory()}, the C1 compiler only unless VXCONNECT_JAVA_OPTS says otherwise, and the
   * classes of a first start mapped from a {@link ClassArchive}.
   */
  public static ServerProcess start(
      String name, int port, List<String> confs, Map<String, String> env) throws IOException {
    Path home = home();
    Path logDir = logDirectory();
    return launch(
        home, logDir, name, testArgs(logDir, name, port, confs), testEnvironment(home, env));
  }

  /** How a server that was expected to refuse to start ended: its exit code and its log. */
  public record Exited(int code, String log) {}

  /**
   * Starts a test server (as {@link #start(String, List, Map)}) that must refuse to start (bad
   * settings, an unusable database...) and waits for it to exit; fails if it listens instead, or is
   * still running after {@code timeout}.
   */
  public static Exited startExpectingExit(
      String name, List<String> confs, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path home = home();
    Path logDir = logDirectory();
    Path log = logDir.resolve(name + ".log");
    Files.deleteIfExists(log);
    Process process =
        spawn(
            home,
            logDir,
            name,
            testArgs(logDir, name, FreePort.find(), confs),
            testEnvironment(home, env));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "server " + name + " still runs after " + timeout + "; see " + log);
      }
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (LISTENING.matcher(stdout).find()) {
        throw new AssertionError(
            "server " + name + " started listening; it should have refused to start");
      }
      return new Exited(process.exitValue(), Files.readString(log));
    } finally {
      process.destroyForcibly();
    }
  }

  /** A test server's arguments: the {@link #defaults}, no warm-up unless the confs ask, the confs. */
  private static List<String> testArgs(Path logDir, String name, int port, List<String> confs) {
    List<String> args = defaults(logDir, name, port);
    if (confs.stream().noneMatch(conf -> conf.startsWith(WARMUP + "="))) {
      // A warm-up costs each start seconds of CPU on two shared cores; tests whose first queries'
      // latency matters (failover) turn it back on.
      args.add("--conf");
      args.add(WARMUP + "=false");
    }
    for (String conf : confs) {
      args.add("--conf");
      args.add(conf);
    }
    return args;
  }

  /** A test server's environment: C1 only unless told otherwise, and the class archive when there is one. */
  private static Map<String, String> testEnvironment(Path home, Map<String, String> env) {
    Map<String, String> environment = new HashMap<>(env);
    String javaOpts =
        environment.getOrDefault(
            "VXCONNECT_JAVA_OPTS",
            System.getenv().getOrDefault("VXCONNECT_JAVA_OPTS", QUICK_JAVA_OPTS));
    environment.put(
        "VXCONNECT_JAVA_OPTS",
        ClassArchive.options(home, ClassArchive.Kind.VXCONNECT)
            .map(archive -> javaOpts + " " + archive)
            .orElse(javaOpts));
    return environment;
  }

  /** The arguments every test server gets: its port, loopback only, local[2], no UI, its own files. */
  static List<String> defaults(Path logDir, String name, int port) {
    return new ArrayList<>(
        List.of(
            "--port",
            Integer.toString(port),
            "--conf",
            "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf",
            "spark.master=local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.sql.warehouse.dir=" + logDir.resolve(name + "-warehouse"),
            "--conf",
            "vxconnect.artifacts.stagingDir=" + logDir.resolve(name + "-artifacts")));
  }

  /**
   * Runs {@code home/bin/vxconnect args...} in {@code dir} with these environment variables (and
   * VXCONNECT_HOME), its log (stderr) in {@code dir/name.log}, and waits until it listens.
   */
  public static ServerProcess launch(
      Path home, Path dir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    Process process = spawn(home, dir, name, args, env);
    try {
      int actualPort = awaitListening(process, log);
      return new ServerProcess(process, actualPort, log);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static Process spawn(
      Path home, Path dir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/vxconnect").toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
            .directory(dir.toFile());
    builder.environment().put("VXCONNECT_HOME", home.toString());
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * Starts {@code command} in {@code dir}, its output appended to {@code log}, and returns once
   * {@code port} accepts connections: for a server that prints nothing to wait for (Apache Spark's
   * own, the bench's floor); {@code what} names it in errors. A server that does not listen in
   * time, or exits first, is stopped and the error points at its log.
   */
  public static ServerProcess startAwaitingPort(
      List<String> command, Path dir, Path log, int port, String what) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .directory(dir.toFile())
            .start();
    try {
      awaitPort(process, port, log, what);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return new ServerProcess(process, port, log);
  }

  private static void awaitPort(Process process, int port, Path log, String what)
      throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(what + " exited before listening; see " + log);
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for " + what, e);
        }
      }
    }
    throw new IOException(what + " did not listen within " + START_TIMEOUT + "; see " + log);
  }

  private static int awaitListening(Process process, Path log) throws IOException {
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                  }
                }
                listening.completeExceptionally(
                    new IOException("server exited before listening; see " + log));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            },
            "server-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      return listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException("server did not listen within " + START_TIMEOUT + "; see " + log);
    } catch (Exception e) {
      throw new IOException("server did not start: " + e.getMessage(), e);
    }
  }

  /** Where this JVM's tests keep their files (see {@value #TARGET_PROPERTY}). */
  public static Path targetDirectory() {
    String configured = System.getProperty(TARGET_PROPERTY);
    return configured != null
        ? Path.of(configured).toAbsolutePath().normalize()
        : home().resolve("e2e/target");
  }

  /** The repository root: bin/vxconnect lives there. */
  public static Path home() {
    String configured = System.getProperty("vxconnect.home");
    Path home = configured != null ? Path.of(configured) : Path.of("..");
    return home.toAbsolutePath().normalize();
  }

  /**
   * Where this test JVM's servers keep their logs, warehouses and other files: server-logs in the
   * {@link #targetDirectory()}, or a subdirectory of it named by {@value #RUN_PROPERTY} when test
   * JVMs run side by side (the parallel forks of the e2e server run), so that two servers of the
   * same name never share files.
   */
  public static Path logDirectory() throws IOException {
    Path dir = targetDirectory().resolve("server-logs");
    String run = System.getProperty(RUN_PROPERTY, "");
    return Files.createDirectories(run.isEmpty() ? dir : dir.resolve(run));
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** The Spark Connect URL of this server. */
  public String url() {
    return "sc://localhost:" + port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The server's log so far. */
  public String logText() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, then SIGKILL if it does not exit in time. */
  @Override
  public void close() {
    recordCpu();
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Sends SIGTERM and returns at once. */
  public void terminate() {
    recordCpu();
    process.destroy();
  }

  /** Waits for the process to exit; true if it did within the timeout. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** kill -9, for clean-up paths: never throws. */
  public void kill9Quietly() {
    recordCpu();
    process.destroyForcibly();
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    recordCpu();
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Appends, once, the server's name, CPU seconds and seconds since it listened to {@value
   * #CPU_FILE} beside its log, as it is stopped: .ci/test-report sums them, so a slow build says
   * which tests' servers its CPU went to (the build is CPU-bound on 2 cores).
   */
  private void recordCpu() {
    if (!cpuRecorded.compareAndSet(false, true)) {
      return;
    }
    process
        .info()
        .totalCpuDuration()
        .ifPresent(
            cpu -> {
              String name = log.getFileName().toString().replaceFirst("\\.log$", "");
              String line =
                  String.format(
                      Locale.ROOT,
                      "%s\t%.1f\t%.1f%n",
                      name,
                      cpu.toMillis() / 1000.0,
                      (System.nanoTime() - listeningSince) / 1e9);
              try {
                Files.writeString(
                    log.resolveSibling(CPU_FILE),
                    line,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
              } catch (IOException e) {
                // Accounting only: a server is stopped whether or not it could be written.
              }
            });
  }
}
