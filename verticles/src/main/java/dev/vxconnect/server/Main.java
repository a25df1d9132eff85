package dev.vxconnect.server;

import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.server.config.AdminOptions;
import dev.vxconnect.server.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code vxconnect [--conf key=value]... [--port N] [--master URL] [--cluster-members LIST]
 * [--conf-file PATH] [--help]}: starts a vxconnect instance and prints where it listens. The
 * start/stop/status commands are bin/vxconnect's: they run this class in the background.
 */
public final class Main {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: vxconnect [start|stop|status] [options]",
          "  (no command)        run in the foreground; stop with Ctrl-C or SIGTERM",
          "  start               run in the background: log in logs/vxconnect.log, pid in logs/vxconnect.pid",
          "  stop                stop the instance started with 'start' (SIGTERM, then waits)",
          "  status              whether the instance started with 'start' is running",
          "Options:",
          "  --conf key=value        any configuration key (see conf/vxconnect.conf); repeatable",
          "  --port N                gRPC port (spark.connect.grpc.binding.port, default 15002; 0 = any free port)",
          "  --master URL            Spark master (spark.master): local[*] (default), spark://host:7077, ...",
          "  --cluster-members LIST  host:port,... of the instances' Hazelcast members (vxconnect.cluster.members);",
          "                          turns the cluster on (vxconnect.cluster.enabled=true); every member needs",
          "                          the same secret in VXCONNECT_CLUSTER_SECRET (vxconnect.cluster.secret)",
          "  --conf-file PATH        configuration file (default: $VXCONNECT_HOME/conf/vxconnect.conf)",
          "  --help                  this text",
          "Environment: VXCONNECT_HOME, VXCONNECT_JAVA_OPTS (e.g. -Xmx8g), VXCONNECT_CLASSPATH (extra",
          "driver jars, e.g. catalog plugins), VXCONNECT_LOG_DIR (default",
          "$VXCONNECT_HOME/logs), VXCONNECT_INSTANCE (name of the log and pid files, default vxconnect),",
          "and any key as an environment variable (spark.master -> SPARK_MASTER).");

  private Main() {}

  public static void main(String[] args) {
    SparkEngine.prepareClassLoading();
    ServerConfig config;
    try {
      config = parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("vxconnect: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(USAGE);
      return;
    }
    VxconnectServer server;
    try {
      server = VxconnectServer.start(config);
    } catch (RuntimeException e) {
      // Spark's threads would keep the JVM up: a server that cannot serve must end, and say why.
      LoggerFactory.getLogger(Main.class).error("Could not start", e);
      System.err.println("vxconnect: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    server.stopOnShutdown();
    String host = server.host().equals("0.0.0.0") ? "localhost" : server.host();
    // e2e tests and scripts wait for this line.
    System.out.println(
        "vxconnect listening on sc://"
            + host
            + ":"
            + server.port()
            + (config.tls().enabled() ? "/;use_ssl=true" : ""));
    if (server.adminPort() >= 0) {
      AdminOptions admin = config.admin();
      String adminHost = admin.address().equals("0.0.0.0") ? "localhost" : admin.address();
      System.out.println(
          "vxconnect admin on "
              + admin.scheme()
              + "://"
              + adminHost
              + ":"
              + server.adminPort()
              + "/admin");
    }
    System.out.flush();
  }

  /** The configuration from the arguments, or null when only help was asked for. */
  static ServerConfig parse(List<String> args) {
    return parse(args, System.getenv());
  }

  /** As {@link #parse(List)}, with this environment (VXCONNECT_HOME and keys as variables). */
  static ServerConfig parse(List<String> args, Map<String, String> env) {
    OptionsLoader loader = new OptionsLoader();
    Path confFile =
        env.get("VXCONNECT_HOME") == null
            ? null
            : Path.of(env.get("VXCONNECT_HOME"), "conf", "vxconnect.conf");
    Deque<String> rest = new ArrayDeque<>(args);
    List<String> pairs = new ArrayList<>();
    while (!rest.isEmpty()) {
      String arg = rest.poll();
      switch (arg) {
        case "--help", "-h" -> {
          return null;
        }
        case "--conf" -> pairs.add(value(arg, rest));
        case "--port" -> pairs.add(ConfigKeys.BINDING_PORT.key() + "=" + value(arg, rest));
        case "--master" -> pairs.add("spark.master=" + value(arg, rest));
        case "--cluster-members" -> {
          pairs.add(ConfigKeys.CLUSTER_ENABLED.key() + "=true");
          pairs.add(ConfigKeys.CLUSTER_MEMBERS.key() + "=" + value(arg, rest));
        }
        case "--conf-file" -> confFile = Path.of(value(arg, rest));
        default -> throw new IllegalArgumentException("Unknown argument: " + arg);
      }
    }
    if (confFile != null && Files.exists(confFile)) {
      loader.file(confFile);
    }
    pairs.forEach(loader::pair);
    loader.environment(env);
    return loader.load();
  }

  private static String value(String option, Deque<String> rest) {
    String value = rest.poll();
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
