package dev.vxconnect.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code vxconnect [--conf key=value]... [--port N] [--master URL] [--conf-file PATH] [--help]}:
 * starts a vxconnect instance and prints where it listens.
 */
public final class Main {

  private static final String USAGE = String.join("\n",
      "Usage: vxconnect [options]",
      "  --conf key=value   any configuration key (see conf/vxconnect.conf); repeatable",
      "  --port N           gRPC port (spark.connect.grpc.binding.port, default 15002; 0 = any free port)",
      "  --master URL       Spark master (spark.master, default local[*])",
      "  --conf-file PATH   configuration file (default: $VXCONNECT_HOME/conf/vxconnect.conf)",
      "  --help             this text");

  private Main() {}

  public static void main(String[] args) {
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
    VxconnectServer server = VxconnectServer.start(config);
    server.stopOnShutdown();
    String host = server.host().equals("0.0.0.0") ? "localhost" : server.host();
    // e2e tests and scripts wait for this line.
    System.out.println("vxconnect listening on sc://" + host + ":" + server.port()
        + (config.tls().isEnabled() ? "/;use_ssl=true" : ""));
    System.out.flush();
  }

  /** The configuration from the arguments, or null when only help was asked for. */
  static ServerConfig parse(List<String> args) {
    OptionsLoader loader = new OptionsLoader();
    Path confFile = defaultConfFile();
    Deque<String> rest = new ArrayDeque<>(args);
    List<String> pairs = new ArrayList<>();
    while (!rest.isEmpty()) {
      String arg = rest.poll();
      switch (arg) {
        case "--help", "-h" -> {
          return null;
        }
        case "--conf" -> pairs.add(value(arg, rest));
        case "--port" -> pairs.add(ConfigKeys.BINDING_PORT.name() + "=" + value(arg, rest));
        case "--master" -> pairs.add("spark.master=" + value(arg, rest));
        case "--conf-file" -> confFile = Path.of(value(arg, rest));
        default -> throw new IllegalArgumentException("Unknown argument: " + arg);
      }
    }
    if (confFile != null && Files.exists(confFile)) {
      loader.file(confFile);
    }
    pairs.forEach(loader::pair);
    loader.environment(System.getenv());
    return loader.load();
  }

  private static String value(String option, Deque<String> rest) {
    String value = rest.poll();
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static Path defaultConfFile() {
    String home = System.getenv("VXCONNECT_HOME");
    return home == null ? null : Path.of(home, "conf", "vxconnect.conf");
  }
}
