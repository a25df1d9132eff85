package dev.vxconnect.server;

import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.jdbc.JdbcSettings;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.planner.MetastoreDatabase;
import dev.vxconnect.server.config.AdminOptions;
import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.Conf;
import dev.vxconnect.server.config.ConfigEntry;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.config.ServerOptions;
import dev.vxconnect.server.config.SessionOptions;
import dev.vxconnect.server.config.TlsOptions;
import dev.vxconnect.server.routing.ClusterSecret;
import dev.vxconnect.server.routing.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the server's options from, in order (later wins): the defaults, conf/vxconnect.conf
 * (Spark-properties format), {@code --conf k=v} arguments, and environment variables named after
 * known keys ({@code spark.connect.grpc.binding.port} -> {@code SPARK_CONNECT_GRPC_BINDING_PORT}).
 * The only class that reads raw keys: the options are built from them through the typed entries of
 * {@link ConfigKeys}.
 */
public final class OptionsLoader {

  private final Map<String, String> values = new LinkedHashMap<>();

  /** Reads a Spark-properties file ("key value" or "key=value", # comments). */
  public OptionsLoader file(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    properties.stringPropertyNames().stream()
        .sorted()
        .forEach(key -> values.put(key, properties.getProperty(key).trim()));
    return this;
  }

  /** One {@code key=value} pair, as given to {@code --conf}. */
  public OptionsLoader pair(String keyValue) {
    int eq = keyValue.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("Expected --conf key=value, got: " + keyValue);
    }
    return set(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
  }

  public OptionsLoader set(String key, String value) {
    values.put(key, value);
    return this;
  }

  /** Takes the environment variables named after known keys. */
  public OptionsLoader environment(Map<String, String> env) {
    for (ConfigEntry<?> entry : ConfigKeys.ALL) {
      String value = env.get(envName(entry.key()));
      if (value != null && !value.isBlank()) {
        values.put(entry.key(), value.trim());
      }
    }
    return this;
  }

  /** {@code spark.connect.grpc.maxInboundMessageSize} -> {@code SPARK_CONNECT_GRPC_MAX_INBOUND_MESSAGE_SIZE}. */
  public static String envName(String key) {
    StringBuilder name = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  public ServerConfig load() {
    for (String key : values.keySet()) {
      if (key.startsWith("vxconnect.") && ConfigKeys.find(key).isEmpty()) {
        throw new IllegalArgumentException("Unknown configuration key: " + key);
      }
    }
    Conf conf = new Conf(values);
    ServerOptions server = ServerOptions.from(conf);
    AdminOptions admin = AdminOptions.from(conf);
    Optional<JdbcSettings> state = state(conf);
    EngineOptions engine =
        new EngineOptions(
            conf.sparkConf(),
            conf.get(ConfigKeys.RESULT_WINDOW_BYTES),
            conf.get(ConfigKeys.PYTHON_ENABLED),
            conf.get(ConfigKeys.ARTIFACTS_COPY_TO_LOCAL_FS),
            conf.get(ConfigKeys.ALLOWED_LOCAL_PATHS).orElse(List.of()).stream()
                .map(Path::of)
                .toList(),
            state.map(db -> new MetastoreDatabase(db.url(), db.user(), db.password())));
    Optional<ClusterSecret> secret =
        firstLineOr(conf, ConfigKeys.CLUSTER_SECRET, ConfigKeys.CLUSTER_SECRET_FILE)
            .map(ClusterSecret::new);
    Path artifacts =
        conf.get(ConfigKeys.ARTIFACTS_DIR)
            .orElse(Path.of(System.getProperty("java.io.tmpdir"), "vxconnect-artifacts"));
    return new ServerConfig(
        server,
        SessionOptions.from(conf),
        ExecutionOptions.from(conf),
        engine,
        cluster(conf, server, admin, state.isPresent(), secret),
        artifacts,
        TlsOptions.from(conf),
        AuthOptions.from(conf),
        admin,
        state,
        secret);
  }

  /** The durable state database, if configured; the password from its key, else from its file. */
  private static Optional<JdbcSettings> state(Conf conf) {
    Optional<String> url = conf.get(ConfigKeys.STATE_JDBC_URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> password =
        firstLineOr(conf, ConfigKeys.STATE_JDBC_PASSWORD, ConfigKeys.STATE_JDBC_PASSWORD_FILE);
    return Optional.of(
        new JdbcSettings(
            url.get().trim(),
            conf.get(ConfigKeys.STATE_JDBC_USER).orElse(""),
            password.orElse("")));
  }

  /** A secret's value from its key, else from the first line of its file's key. */
  private static Optional<String> firstLineOr(
      Conf conf, ConfigEntry<Optional<String>> value, ConfigEntry<Optional<Path>> file) {
    Optional<String> given = conf.get(value);
    Optional<Path> path = conf.get(file);
    if (given.isPresent() || path.isEmpty()) {
      return given;
    }
    try {
      return Optional.of(
          Files.readAllLines(path.get(), StandardCharsets.UTF_8).stream()
              .findFirst()
              .orElse("")
              .strip());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read " + file.key() + " " + path.get() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Durable session records are the cluster's maps written through to the database: with a state
   * database the instance is a cluster member (of a cluster of one until others join) unless told
   * otherwise, and told otherwise is refused. A member needs the cluster secret: without it any
   * client could have a call served as forwarded and any host that reaches the Hazelcast port
   * could join; its Hazelcast cluster name is derived from it.
   */
  private static ClusterOptions cluster(
      Conf conf,
      ServerOptions server,
      AdminOptions admin,
      boolean durable,
      Optional<ClusterSecret> secret) {
    String host = server.host().equals("0.0.0.0") ? localHostName() : server.host();
    String self = host + ":" + server.port();
    HostPort advertised =
        HostPort.parse(
            ConfigKeys.CLUSTER_ADVERTISED_ADDRESS.key(),
            conf.get(ConfigKeys.CLUSTER_ADVERTISED_ADDRESS).orElse(self));
    boolean enabled = conf.get(ConfigKeys.CLUSTER_ENABLED);
    if (durable && !enabled && conf.isSet(ConfigKeys.CLUSTER_ENABLED)) {
      throw new IllegalArgumentException(
          ConfigKeys.STATE_JDBC_URL.key()
              + " keeps session records in the"
              + " cluster's maps, written through to the database: it needs "
              + ConfigKeys.CLUSTER_ENABLED.key()
              + "=true (or unset), not false");
    }
    boolean member = enabled || durable;
    if (member && secret.isEmpty()) {
      throw new IllegalArgumentException(
          "A cluster member needs the cluster's secret, the same on every instance: set the"
              + " environment variable "
              + envName(ConfigKeys.CLUSTER_SECRET.key())
              + " (or "
              + ConfigKeys.CLUSTER_SECRET_FILE.key()
              + "), e.g. to the output of `openssl rand -base64 32` (docs/security.md)");
    }
    String name = conf.get(ConfigKeys.CLUSTER_NAME);
    return new ClusterOptions(
        member,
        secret.map(s -> s.hazelcastClusterName(name)).orElse(name),
        conf.get(ConfigKeys.CLUSTER_PORT),
        conf.get(ConfigKeys.CLUSTER_MEMBERS),
        conf.get(ConfigKeys.CLUSTER_INSTANCE_ID).orElse(self),
        advertised.toString(),
        adminAddress(admin, advertised),
        conf.get(ConfigKeys.CLUSTER_CONFIG_FILE).or(OptionsLoader::shippedHazelcastFile),
        (int) Math.max(1, conf.get(ConfigKeys.CLUSTER_MEMBER_TIMEOUT).toSeconds()),
        conf.get(ConfigKeys.CLUSTER_MAX_ARTIFACT_BYTES));
  }

  /** $VXCONNECT_HOME/conf/hazelcast.yaml, when there is one. */
  private static Optional<Path> shippedHazelcastFile() {
    return Optional.ofNullable(System.getenv("VXCONNECT_HOME"))
        .map(home -> Path.of(home, "conf", "hazelcast.yaml"))
        .filter(Files::exists);
  }

  /**
   * Where the other instances reach this one's admin service (for the cluster-wide listing): where
   * it listens, that is its bind address, or the advertised gRPC host when it listens on every
   * interface; none if the service is off or its port is picked at start (0). Bound to loopback
   * (the default), only instances on this host can reach it.
   */
  private static Optional<String> adminAddress(AdminOptions admin, HostPort advertised) {
    if (admin.port() <= 0) {
      return Optional.empty();
    }
    String host =
        List.of("0.0.0.0", "::", "[::]").contains(admin.address())
            ? advertised.host()
            : admin.address();
    return Optional.of(new HostPort(host, admin.port()).toString());
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
