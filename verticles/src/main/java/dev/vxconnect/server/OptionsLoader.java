package dev.vxconnect.server;

import static dev.vxconnect.server.ConfigKeys.ALL;

import dev.vxconnect.cluster.ClusterOptions;
import dev.vxconnect.cluster.jdbc.JdbcSettings;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.server.routing.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the server's options from, in order (later wins): the defaults, conf/vxconnect.conf
 * (Spark-properties format), {@code --conf k=v} arguments, and environment variables named after
 * known keys ({@code spark.connect.grpc.binding.port} -> {@code SPARK_CONNECT_GRPC_BINDING_PORT}).
 * The only class that reads raw keys.
 */
public final class OptionsLoader {

  private final Map<String, String> values = new LinkedHashMap<>();

  /** Reads a Spark-properties file ("key value" or "key=value", # comments). */
  public OptionsLoader file(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    properties.stringPropertyNames().stream().sorted()
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
    for (ConfigKeys.Key key : ALL) {
      String value = env.get(envName(key.name()));
      if (value != null && !value.isBlank()) {
        values.put(key.name(), value.trim());
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
      if (key.startsWith("vxconnect.") && ALL.stream().noneMatch(k -> k.name().equals(key))) {
        throw new IllegalArgumentException("Unknown configuration key: " + key);
      }
    }
    ServerOptions server = new ServerOptions()
        .setPort(ConfigValues.integer(ConfigKeys.BINDING_PORT.name(), get(ConfigKeys.BINDING_PORT)))
        .setHost(get(ConfigKeys.BINDING_ADDRESS))
        .setMaxInboundMessageSize(bytes(ConfigKeys.MAX_INBOUND_MESSAGE_SIZE))
        .setRecursionLimit(integer(ConfigKeys.RECURSION_LIMIT))
        .setShutdownGrace(duration(ConfigKeys.SHUTDOWN_GRACE, "ms"))
        .setMaxEventLoopExecuteTime(duration(ConfigKeys.MAX_EVENT_LOOP_EXECUTE_TIME, "ms"))
        .setMaxConcurrentStreams(integer(ConfigKeys.MAX_CONCURRENT_STREAMS))
        .setMaxConnections(integer(ConfigKeys.MAX_CONNECTIONS))
        .setIdleTimeout(duration(ConfigKeys.IDLE_TIMEOUT, "s"))
        .setWarmup(ConfigValues.bool(ConfigKeys.WARMUP.name(), get(ConfigKeys.WARMUP)));
    if (get(ConfigKeys.EVENT_LOOPS) != null) {
      server.setEventLoops(integer(ConfigKeys.EVENT_LOOPS));
    }
    if (get(ConfigKeys.ADMIN_PORT) != null && !get(ConfigKeys.ADMIN_PORT).isBlank()) {
      server.setAdminPort(integer(ConfigKeys.ADMIN_PORT));
    }
    SessionOptions sessions = new SessionOptions()
        .setIdleTimeout(duration(ConfigKeys.SESSION_TIMEOUT, "ms"))
        .setTombstones(integer(ConfigKeys.CLOSED_SESSIONS_TOMBSTONES))
        .setMaintenanceInterval(duration(ConfigKeys.SESSION_MAINTENANCE_INTERVAL, "ms"))
        .setMaxSessionsPerUser(integer(ConfigKeys.MAX_SESSIONS_PER_USER))
        .setMaxArtifactBytes(bytes(ConfigKeys.MAX_ARTIFACT_BYTES))
        .setRetryDelay(duration(ConfigKeys.RETRY_DELAY, "ms"));
    ExecutionOptions execution = new ExecutionOptions()
        .setExecuteThreads(integer(ConfigKeys.EXECUTE_THREADS))
        .setMaxOperations(integer(ConfigKeys.MAX_OPERATIONS))
        .setRpcThreads(integer(ConfigKeys.RPC_THREADS))
        .setBufferAheadBytes(bytes(ConfigKeys.BUFFER_AHEAD_BYTES))
        .setRetryBufferBytes(bytes(ConfigKeys.RETRY_BUFFER_SIZE))
        .setReattachableEnabled(ConfigValues.bool(
            ConfigKeys.REATTACHABLE_ENABLED.name(), get(ConfigKeys.REATTACHABLE_ENABLED)))
        .setFinishedOperationsMemory(duration(ConfigKeys.INACTIVE_OPERATIONS_EXPIRATION, "m"))
        .setMaxStreamDuration(duration(ConfigKeys.MAX_STREAM_DURATION, "ms"))
        .setMaxStreamBytes(bytes(ConfigKeys.MAX_STREAM_SIZE))
        .setDetachedTimeout(duration(ConfigKeys.DETACHED_TIMEOUT, "ms"))
        .setMaintenanceInterval(duration(ConfigKeys.EXECUTE_MAINTENANCE_INTERVAL, "ms"))
        .setAbandonedTombstones(integer(ConfigKeys.ABANDONED_TOMBSTONES))
        .setMaxOperationsPerSession(integer(ConfigKeys.MAX_OPERATIONS_PER_SESSION))
        .setMaxOperationsPerUser(integer(ConfigKeys.MAX_OPERATIONS_PER_USER))
        .setMaxBufferedBytes(bytes(ConfigKeys.MAX_BUFFERED_BYTES))
        .setRetryDelay(duration(ConfigKeys.RETRY_DELAY, "ms"));
    EngineOptions engine = new EngineOptions()
        .setResultWindowBytes(bytes(ConfigKeys.RESULT_WINDOW_BYTES))
        .setPythonEnabled(ConfigValues.bool(ConfigKeys.PYTHON_ENABLED.name(), get(ConfigKeys.PYTHON_ENABLED)))
        .setCopyToLocalFsAllowed(ConfigValues.bool(ConfigKeys.ARTIFACTS_COPY_TO_LOCAL_FS.name(),
            get(ConfigKeys.ARTIFACTS_COPY_TO_LOCAL_FS)))
        .setAllowedLocalPaths(pathList(get(ConfigKeys.ALLOWED_LOCAL_PATHS)));
    values.forEach((key, value) -> {
      if (key.startsWith("spark.") && !key.equals(ConfigKeys.AUTH_TOKEN.name())) {
        engine.setSparkConf(key, value);
      }
    });
    Optional<JdbcSettings> state = state();
    state.ifPresent(db -> engine.setMetastoreDatabase(db.url(), db.user(), db.password()));
    String dir = get(ConfigKeys.ARTIFACTS_DIR);
    Path artifacts = dir != null ? Path.of(dir)
        : Path.of(System.getProperty("java.io.tmpdir"), "vxconnect-artifacts");
    TlsOptions tls = new TlsOptions()
        .setCertFile(path(ConfigKeys.TLS_CERT_FILE))
        .setKeyFile(path(ConfigKeys.TLS_KEY_FILE))
        .setClientCaFile(path(ConfigKeys.TLS_CLIENT_CA_FILE))
        .setTrustFile(path(ConfigKeys.TLS_TRUST_FILE))
        .setAllowInsecure(ConfigValues.bool(ConfigKeys.TLS_ALLOW_INSECURE.name(), get(ConfigKeys.TLS_ALLOW_INSECURE)))
        .validate();
    AuthOptions auth = new AuthOptions()
        .setToken(get(ConfigKeys.AUTH_TOKEN))
        .setTokensFile(path(ConfigKeys.AUTH_TOKENS_FILE))
        .setJwtKeysFile(path(ConfigKeys.AUTH_JWT_KEYS_FILE))
        .setJwtIssuer(get(ConfigKeys.AUTH_JWT_ISSUER))
        .setJwtAudience(get(ConfigKeys.AUTH_JWT_AUDIENCE))
        .setJwtUserClaim(get(ConfigKeys.AUTH_JWT_USER_CLAIM));
    return new ServerConfig(server, sessions, execution, engine, cluster(server, state.isPresent()), artifacts,
        tls, auth, state);
  }

  /** The durable state database, if configured; the password from the key, else its file. */
  private Optional<JdbcSettings> state() {
    String url = get(ConfigKeys.STATE_JDBC_URL);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    String password = get(ConfigKeys.STATE_JDBC_PASSWORD);
    Path passwordFile = path(ConfigKeys.STATE_JDBC_PASSWORD_FILE);
    if (password == null && passwordFile != null) {
      try {
        password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read " + ConfigKeys.STATE_JDBC_PASSWORD_FILE.name() + " "
            + passwordFile + ": " + e.getMessage(), e);
      }
    }
    return Optional.of(new JdbcSettings(url.trim(), get(ConfigKeys.STATE_JDBC_USER), password));
  }

  /**
   * Durable session records are the cluster's maps written through to the database: with a state
   * database the instance is a cluster member (of a cluster of one until others join) unless told
   * otherwise, and told otherwise is refused.
   */
  private ClusterOptions cluster(ServerOptions server, boolean durable) {
    String host = server.getHost().equals("0.0.0.0") ? localHostName() : server.getHost();
    String self = host + ":" + server.getPort();
    String members = get(ConfigKeys.CLUSTER_MEMBERS);
    HostPort advertised = HostPort.parse(ConfigKeys.CLUSTER_ADVERTISED_ADDRESS.name(),
        Optional.ofNullable(get(ConfigKeys.CLUSTER_ADVERTISED_ADDRESS)).orElse(self));
    boolean enabled = ConfigValues.bool(ConfigKeys.CLUSTER_ENABLED.name(), get(ConfigKeys.CLUSTER_ENABLED));
    if (durable && !enabled) {
      if (values.containsKey(ConfigKeys.CLUSTER_ENABLED.name())) {
        throw new IllegalArgumentException(ConfigKeys.STATE_JDBC_URL.name() + " keeps session records in the"
            + " cluster's maps, written through to the database: it needs " + ConfigKeys.CLUSTER_ENABLED.name()
            + "=true (or unset), not false");
      }
      enabled = true;
    }
    ClusterOptions cluster = new ClusterOptions()
        .setEnabled(enabled)
        .setName(get(ConfigKeys.CLUSTER_NAME))
        .setPort(integer(ConfigKeys.CLUSTER_PORT))
        .setMembers(members.isBlank() ? List.of()
            : Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList())
        .setInstanceId(Optional.ofNullable(get(ConfigKeys.CLUSTER_INSTANCE_ID)).orElse(self))
        .setAdvertisedAddress(advertised.toString())
        .setAdminAddress(adminAddress(server, advertised))
        .setMemberTimeoutSeconds((int) Math.max(1, duration(ConfigKeys.CLUSTER_MEMBER_TIMEOUT, "s").toSeconds()))
        .setMaxReplicatedArtifactBytes(bytes(ConfigKeys.CLUSTER_MAX_ARTIFACT_BYTES));
    String file = get(ConfigKeys.CLUSTER_CONFIG_FILE);
    if (file != null) {
      cluster.setConfigFile(Path.of(file));
    } else if (System.getenv("VXCONNECT_HOME") != null) {
      Path shipped = Path.of(System.getenv("VXCONNECT_HOME"), "conf", "hazelcast.yaml");
      if (Files.exists(shipped)) {
        cluster.setConfigFile(shipped);
      }
    }
    return cluster;
  }

  /**
   * Where the other instances reach this one's admin service (for the cluster-wide listing): the
   * advertised gRPC host with the admin port; none if the service is off or its port is picked at
   * start (0).
   */
  private static String adminAddress(ServerOptions server, HostPort advertised) {
    return server.getAdminPort() <= 0 ? null : new HostPort(advertised.host(), server.getAdminPort()).toString();
  }

  private static List<Path> pathList(String value) {
    return value == null ? List.of()
        : Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty()).map(Path::of).toList();
  }

  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private String get(ConfigKeys.Key key) {
    return values.getOrDefault(key.name(), key.defaultValue());
  }

  private Path path(ConfigKeys.Key key) {
    String value = get(key);
    return value == null || value.isBlank() ? null : Path.of(value.trim());
  }

  private int integer(ConfigKeys.Key key) {
    return ConfigValues.integer(key.name(), get(key));
  }

  private long bytes(ConfigKeys.Key key) {
    return ConfigValues.bytes(key.name(), get(key), "b");
  }

  private Duration duration(ConfigKeys.Key key, String bareUnit) {
    return ConfigValues.duration(key.name(), get(key), bareUnit);
  }
}
