package dev.vxconnect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Several vxconnect processes forming one cluster (each its own Hazelcast member and Spark driver),
 * with a {@link TcpProxy} in front that spreads connections over them as a load balancer does.
 * Each server is started the way users start one, with the cluster keys of conf/vxconnect.conf and
 * the cluster secret, made for the cluster, in the environment (VXCONNECT_CLUSTER_SECRET).
 */
public final class ServerCluster implements AutoCloseable {

  /**
   * Pause between a kill and the next call. A call the client starts at the very moment its
   * connection closes is written on the dead channel, and the official client's grpc-java then fails
   * it with UNKNOWN "channel closed", which no Spark Connect client retries: a client race that
   * exists whatever the server. A user's next call never comes within that millisecond.
   */
  public static final long CLIENT_SETTLE_MS = 1_000;

  /** The environment variable that gives every member the cluster secret. */
  public static final String SECRET_VARIABLE = "VXCONNECT_CLUSTER_SECRET";

  /**
   * Smaller heaps than a single server's (several share the machine); C1 only and the serial
   * collector, see {@link ServerProcess#QUICK_JAVA_OPTS}.
   */
  public static final String DEFAULT_JAVA_OPTS =
      "-Xmx1500m " + ServerProcess.C1_ONLY + " -XX:+UseSerialGC";

  private static final Duration SAFE_WAIT = Duration.ofSeconds(120);

  private static final Pattern SESSION_SERVED =
      Pattern.compile("Session (\\S+) of user \\S+ (opened|rebuilt)");

  private final List<ServerProcess> servers;
  private final List<Integer> clusterPorts;
  private final List<Integer> adminPorts;
  private final String name;
  private final String logName;
  private final List<String> confs;
  private final Map<String, String> env;
  private final TcpProxy proxy;

  private ServerCluster(
      String name,
      String logName,
      List<String> confs,
      Map<String, String> env,
      List<ServerProcess> servers,
      List<Integer> clusterPorts,
      List<Integer> adminPorts)
      throws IOException {
    this.name = name;
    this.logName = logName;
    this.confs = List.copyOf(confs);
    this.env = Map.copyOf(env);
    this.servers = new ArrayList<>(servers);
    this.clusterPorts = clusterPorts;
    this.adminPorts = adminPorts;
    this.proxy = TcpProxy.start(servers.stream().mapToInt(ServerProcess::port).toArray());
  }

  /** Starts {@code size} servers (in parallel) that join one cluster, with these extra confs. */
  public static ServerCluster start(String name, int size, List<String> confs) throws Exception {
    return start(name, size, confs, DEFAULT_JAVA_OPTS);
  }

  /** As {@link #start(String, int, List)}, each server with these JVM options (VXCONNECT_JAVA_OPTS). */
  public static ServerCluster start(String name, int size, List<String> confs, String javaOpts)
      throws Exception {
    return start(name, size, confs, Map.of("VXCONNECT_JAVA_OPTS", javaOpts));
  }

  /**
   * As {@link #start(String, int, List)}, each server with these environment variables besides
   * the default JVM options (e.g. a password, as deployments pass it).
   */
  public static ServerCluster start(
      String name, int size, List<String> confs, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "VXCONNECT_JAVA_OPTS",
                DEFAULT_JAVA_OPTS,
                SECRET_VARIABLE,
                UUID.randomUUID() + "-" + UUID.randomUUID()));
    env.putAll(extraEnv);
    List<Integer> ports = new ArrayList<>();
    List<Integer> adminPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(FreePort.find());
      adminPorts.add(FreePort.find());
    }
    String clusterName = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    ExecutorService starter = Executors.newFixedThreadPool(size);
    try {
      List<Future<ServerProcess>> starting = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int index = i;
        starting.add(
            starter.submit(
                () ->
                    startMember(
                        clusterName,
                        name + "-" + index,
                        FreePort.find(),
                        ports,
                        adminPorts.get(index),
                        index,
                        confs,
                        env)));
      }
      List<ServerProcess> started = new ArrayList<>();
      Exception failure = null;
      for (Future<ServerProcess> s : starting) {
        try {
          started.add(s.get());
        } catch (ExecutionException e) {
          failure = e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      if (failure != null) {
        started.forEach(ServerProcess::kill9Quietly);
        throw failure;
      }
      return new ServerCluster(clusterName, name, confs, env, started, ports, adminPorts);
    } finally {
      starter.shutdownNow();
    }
  }

  private static ServerProcess startMember(
      String clusterName,
      String logName,
      int grpcPort,
      List<Integer> ports,
      int adminPort,
      int index,
      List<String> confs,
      Map<String, String> env)
      throws IOException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "vxconnect.cluster.enabled=true",
                "vxconnect.cluster.name=" + clusterName,
                "vxconnect.cluster.port=" + ports.get(index),
                "vxconnect.cluster.members="
                    + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
                "vxconnect.cluster.memberTimeout=3s",
                "vxconnect.admin.port=" + adminPort));
    all.addAll(confs);
    return ServerProcess.start(logName, grpcPort, all, env);
  }

  /**
   * Stops server {@code index} gracefully (SIGTERM, waits for it to exit) and starts it again on
   * the same ports, as a rolling restart does; returns the new process.
   */
  public ServerProcess restart(int index) throws Exception {
    ServerProcess old = servers.get(index);
    old.terminate();
    if (!old.awaitExit(Duration.ofSeconds(90))) {
      throw new AssertionError("server " + index + " did not stop within 90 s after SIGTERM");
    }
    return startAgain(index);
  }

  /** Starts server {@code index}, which must have exited (e.g. been killed), again on the same ports. */
  public ServerProcess startAgain(int index) throws Exception {
    ServerProcess old = servers.get(index);
    if (old.isAlive()) {
      throw new IllegalStateException("server " + index + " still runs");
    }
    ServerProcess started =
        startMember(
            name,
            logName + "-" + index + "-again",
            old.port(),
            clusterPorts,
            adminPorts.get(index),
            index,
            confs,
            env);
    servers.set(index, started);
    return started;
  }

  /**
   * Starts one more server that tries to join this cluster's members, with these environment
   * variables over the members' (e.g. another cluster secret); it is not one of {@link #servers()}:
   * the caller closes it.
   */
  public ServerProcess startOutsider(String logName, Map<String, String> extraEnv)
      throws IOException {
    List<Integer> ports = new ArrayList<>(clusterPorts);
    ports.add(FreePort.find());
    Map<String, String> outsiderEnv = new HashMap<>(env);
    outsiderEnv.putAll(extraEnv);
    return startMember(
        name,
        logName,
        FreePort.find(),
        ports,
        FreePort.find(),
        ports.size() - 1,
        confs,
        outsiderEnv);
  }

  /** The cluster secret every member has. */
  public String secret() {
    return env.get(SECRET_VARIABLE);
  }

  /** Every server started, dead or alive. */
  public List<ServerProcess> servers() {
    return List.copyOf(servers);
  }

  /** The load balancer in front of the servers. */
  public TcpProxy proxy() {
    return proxy;
  }

  /** The Spark Connect URL of the load balancer. */
  public String url() {
    return "sc://localhost:" + proxy.port();
  }

  /** The live server that serves {@code sessionId} now: the last to open or rebuild it. */
  public Optional<ServerProcess> ownerOf(String sessionId) {
    ServerProcess owner = null;
    long latest = -1;
    for (ServerProcess server : servers) {
      if (!server.isAlive()) {
        continue;
      }
      String log;
      try {
        log = server.logText();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Matcher m = SESSION_SERVED.matcher(log);
      while (m.find()) {
        if (m.group(1).equals(sessionId)) {
          long at = timestampBefore(log, m.start());
          if (at > latest) {
            latest = at;
            owner = server;
          }
        }
      }
    }
    return Optional.ofNullable(owner);
  }

  /** The log line's timestamp ("yyyy-MM-dd HH:mm:ss.SSS" at the start of the line) as a sortable number. */
  private static long timestampBefore(String log, int at) {
    int lineStart = log.lastIndexOf('\n', at) + 1;
    String stamp =
        log.substring(lineStart, Math.min(log.length(), lineStart + 23)).replaceAll("\\D", "");
    return stamp.isEmpty() ? 0 : Long.parseLong(stamp);
  }

  public String name() {
    return name;
  }

  public List<Integer> clusterPorts() {
    return clusterPorts;
  }

  /**
   * Waits until the cluster may lose any one instance without losing a record, as a live instance's
   * {@code vxconnect_cluster_safe} gauge tells: after a kill, the survivors copy their backups
   * again, and an instance killed before that may take records with it (a second failure within
   * seconds of the first, which the guarantee of one backup does not cover).
   */
  public void awaitSafe() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long start = System.nanoTime();
    long deadline = start + SAFE_WAIT.toNanos();
    for (int scrapes = 1; ; scrapes++) {
      for (int i = 0; i < servers.size(); i++) {
        if (!servers.get(i).isAlive()) {
          continue;
        }
        HttpRequest scrape =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(i) + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
          String metrics = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
          if (PrometheusText.sample(metrics, "vxconnect_cluster_safe").orElse(0) == 1) {
            if (scrapes > 1) {
              System.out.printf(
                  "ServerCluster %s: safe after %d ms%n",
                  name, Duration.ofNanos(System.nanoTime() - start).toMillis());
            }
            return;
          }
          break; // the cluster's state, whichever member tells it
        } catch (IOException e) {
          // killed meanwhile: ask another
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "The cluster was not safe (vxconnect_cluster_safe) within " + SAFE_WAIT);
      }
      Thread.sleep(100);
    }
  }

  /** The admin HTTP port of server {@code index} (every member serves one). */
  public int adminPort(int index) {
    return adminPorts.get(index);
  }

  /** Stops the proxy and every server still running (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    proxy.close();
    List<Thread> stopping = new ArrayList<>();
    for (ServerProcess server : servers) {
      Thread t = new Thread(server::close, "stop-" + server.port());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join(90_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
