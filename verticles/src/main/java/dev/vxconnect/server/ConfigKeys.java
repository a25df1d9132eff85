package dev.vxconnect.server;

import java.util.List;

/**
 * Every configuration key the server reads, once. Keys of Apache Spark's Connect server keep their
 * name, meaning and default; our own live under {@code vxconnect.*}. Every other {@code spark.*}
 * key goes to Spark. conf/vxconnect.conf documents each of them.
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  /** One key, its default (null = unset) and what it does. */
  public record Key(String name, String defaultValue, String doc) {}

  public static final Key BINDING_PORT = new Key("spark.connect.grpc.binding.port", "15002",
      "Port of the Spark Connect gRPC service.");
  public static final Key BINDING_ADDRESS = new Key("spark.connect.grpc.binding.address", "0.0.0.0",
      "Address the gRPC service binds to.");
  public static final Key MAX_INBOUND_MESSAGE_SIZE = new Key(
      "spark.connect.grpc.maxInboundMessageSize", "134217728",
      "Largest request message accepted, in bytes.");
  public static final Key RECURSION_LIMIT = new Key(
      "spark.connect.grpc.marshallerRecursionLimit", "1024",
      "Deepest nesting of a request message (plan depth).");
  public static final Key SESSION_TIMEOUT = new Key(
      "spark.connect.session.manager.defaultSessionTimeout", "60m",
      "A session unused for this long is closed.");
  public static final Key CLOSED_SESSIONS_TOMBSTONES = new Key(
      "spark.connect.session.manager.closedSessionsTombstonesSize", "1000",
      "How many closed session ids are remembered, so they are not silently reused.");
  public static final Key SESSION_MAINTENANCE_INTERVAL = new Key(
      "spark.connect.session.manager.maintenanceInterval", "30s",
      "How often idle sessions are looked for.");
  public static final Key REATTACHABLE_ENABLED = new Key(
      "spark.connect.execute.reattachable.enabled", "true",
      "Whether clients may ask for reattachable executions.");
  public static final Key RETRY_BUFFER_SIZE = new Key(
      "spark.connect.execute.reattachable.observerRetryBufferSize", "10m",
      "Result bytes kept after they were sent, so that a reattaching client can resume.");
  public static final Key MAX_STREAM_DURATION = new Key(
      "spark.connect.execute.reattachable.senderMaxStreamDuration", "2m",
      "A reattachable result stream is ended after this long; the client reattaches and goes on.");
  public static final Key MAX_STREAM_SIZE = new Key(
      "spark.connect.execute.reattachable.senderMaxStreamSize", "1g",
      "A reattachable result stream is ended after this many bytes; the client reattaches.");
  public static final Key DETACHED_TIMEOUT = new Key(
      "spark.connect.execute.manager.detachedTimeout", "5m",
      "An operation with no client attached for this long is interrupted and forgotten (abandoned).");
  public static final Key EXECUTE_MAINTENANCE_INTERVAL = new Key(
      "spark.connect.execute.manager.maintenanceInterval", "30s",
      "How often abandoned operations are looked for.");
  public static final Key ABANDONED_TOMBSTONES = new Key(
      "spark.connect.execute.manager.abandonedTombstonesSize", "10000",
      "How many abandoned operation ids are remembered (OPERATION_ABANDONED on reuse).");
  public static final Key INACTIVE_OPERATIONS_EXPIRATION = new Key(
      "spark.connect.session.inactiveOperations.cacheExpiration", "30",
      "Minutes a finished operation id is remembered, so that it is not run twice.");

  public static final Key EVENT_LOOPS = new Key("vxconnect.server.eventLoops", null,
      "Event loop threads (and gRPC verticle instances); default: 2 x cores.");
  public static final Key SHUTDOWN_GRACE = new Key("vxconnect.server.shutdownGracePeriod", "20s",
      "On SIGTERM, how long running operations may take to finish before they are interrupted"
          + " (bounded by hadoop.service.shutdown.timeout, 30s by default).");
  public static final Key MAX_EVENT_LOOP_EXECUTE_TIME = new Key(
      "vxconnect.server.maxEventLoopExecuteTime", "2s",
      "Vert.x's blocked-thread checker warns when an event loop task runs longer than this.");
  public static final Key ADMIN_PORT = new Key("vxconnect.admin.port", null,
      "Port of the admin HTTP service (/metrics for Prometheus, /admin, /admin/sessions, /health)"
          + " on the gRPC binding address; unset = no admin service, 0 = any free port.");
  public static final Key MAX_CONCURRENT_STREAMS = new Key("vxconnect.server.maxConcurrentStreams", "100",
      "Calls (HTTP/2 streams) one connection may have open at once.");
  public static final Key MAX_CONNECTIONS = new Key("vxconnect.server.maxConnections", "10000",
      "Connections served at once; beyond, new connections are closed as they arrive.");
  public static final Key IDLE_TIMEOUT = new Key("vxconnect.server.idleTimeout", "0",
      "A connection with no traffic for this long is closed; 0 = never.");
  public static final Key WARMUP = new Key("vxconnect.server.warmup", "true",
      "Run a few plans before serving, so that the first clients (and sessions taken over after a"
          + " failover) do not pay for loading and compiling Spark's code paths.");
  public static final Key EXECUTE_THREADS = new Key("vxconnect.execution.threads", "16",
      "Operations that run Spark at once (plan, jobs, result encoding); more wait for a slot. An"
          + " operation waiting for its client to read gives its slot to another.");
  public static final Key MAX_OPERATIONS = new Key("vxconnect.execution.maxOperations", "1000",
      "Operations accepted (running or queued) at once; beyond, RESOURCE_EXHAUSTED.");
  public static final Key MAX_OPERATIONS_PER_SESSION = new Key(
      "vxconnect.execution.maxOperationsPerSession", "100",
      "Operations one session may run or queue at once; beyond, RESOURCE_EXHAUSTED with a retry delay.");
  public static final Key MAX_OPERATIONS_PER_USER = new Key(
      "vxconnect.execution.maxOperationsPerUser", "500",
      "Operations one user may run or queue at once, over all sessions; beyond, RESOURCE_EXHAUSTED.");
  public static final Key MAX_BUFFERED_BYTES = new Key("vxconnect.execution.maxBufferedBytes", "1g",
      "Result bytes held by all operations' buffers beyond which new operations are refused for a while.");
  public static final Key RETRY_DELAY = new Key("vxconnect.execution.retryDelay", "1s",
      "Back-off suggested to clients refused for a limit or load (google.rpc.RetryInfo).");
  public static final Key MAX_SESSIONS_PER_USER = new Key("vxconnect.session.maxSessionsPerUser", "1000",
      "Sessions one user may hold at once; beyond, RESOURCE_EXHAUSTED.");
  public static final Key ALLOWED_LOCAL_PATHS = new Key("vxconnect.sources.allowedLocalPaths", null,
      "Comma list of directories of the server's file system that sessions' file data sources may read"
          + " and write (with the warehouse); unset: any path, as on Spark's server.");
  public static final Key MAX_ARTIFACT_BYTES = new Key("vxconnect.artifacts.maxBytesPerSession", "10g",
      "Bytes of artifacts (jars, classes, files, archives) one session may add; beyond, RESOURCE_EXHAUSTED.");
  public static final Key RPC_THREADS = new Key("vxconnect.rpc.threads", "8",
      "Worker threads for short Spark calls (config, analyze, artifacts, session set-up).");
  public static final Key BUFFER_AHEAD_BYTES = new Key("vxconnect.execution.bufferAheadBytes", "8m",
      "Result bytes an operation may produce ahead of what its client has read.");
  public static final Key RESULT_WINDOW_BYTES = new Key("vxconnect.results.windowBytes", "64m",
      "Arrow bytes fetched from executors per Spark job when streaming a result.");
  public static final Key PYTHON_ENABLED = new Key("vxconnect.python.enabled", "false",
      "Whether plans may use Python UDFs, UDTFs and data sources (needs Python with PySpark on"
          + " the executors); when false they are refused with FEATURE_NOT_ENABLED.");
  public static final Key ARTIFACTS_DIR = new Key("vxconnect.artifacts.stagingDir", null,
      "Where uploaded artifacts are staged; default: a directory under java.io.tmpdir.");
  public static final Key ARTIFACTS_COPY_TO_LOCAL_FS = new Key("vxconnect.artifacts.allowCopyToLocalFs", "false",
      "Whether forward_to_fs/ artifacts (copyFromLocalToFs) may be written to the driver's local file"
          + " system; a session's own spark.sql.artifact.copyFromLocalToFs.allowDestLocal cannot allow it.");
  public static final Key CLUSTER_ENABLED = new Key("vxconnect.cluster.enabled", "false",
      "false = single instance with an in-memory session store; true = one Hazelcast member per"
          + " instance, sessions replicated and taken over when their instance is lost.");
  public static final Key CLUSTER_NAME = new Key("vxconnect.cluster.name", "vxconnect",
      "Instances with the same cluster name (and reachable members) form one service.");
  public static final Key CLUSTER_PORT = new Key("vxconnect.cluster.port", "5701",
      "Port of this instance's Hazelcast member.");
  public static final Key CLUSTER_MEMBERS = new Key("vxconnect.cluster.members", "",
      "Comma-separated host:port of Hazelcast members to join (TCP-IP discovery, no multicast).");
  public static final Key CLUSTER_INSTANCE_ID = new Key("vxconnect.cluster.instanceId", null,
      "This instance's unique id; default: host:gRPC port.");
  public static final Key CLUSTER_ADVERTISED_ADDRESS = new Key("vxconnect.cluster.advertisedAddress", null,
      "host:port where the other instances reach this one's gRPC service; default: host:gRPC port.");
  public static final Key CLUSTER_MEMBER_TIMEOUT = new Key("vxconnect.cluster.memberTimeout", "5s",
      "An instance silent for this long is declared gone and its sessions are taken over.");
  public static final Key CLUSTER_CONFIG_FILE = new Key("vxconnect.cluster.configFile", null,
      "Hazelcast YAML to start from; default: $VXCONNECT_HOME/conf/hazelcast.yaml if present.");
  public static final Key CLUSTER_MAX_ARTIFACT_BYTES = new Key(
      "vxconnect.cluster.maxReplicatedArtifactBytes", "64m",
      "Artifacts up to this size are replicated for failover; larger ones stay with their instance.");

  public static final Key STATE_JDBC_URL = new Key("vxconnect.state.jdbc.url", null,
      "PostgreSQL database for durable state (jdbc:postgresql://host:port/db): Spark's Hive metastore"
          + " (unless spark.sql.catalogImplementation is set) and vxconnect's session records; unset:"
          + " nothing is durable.");
  public static final Key STATE_JDBC_USER = new Key("vxconnect.state.jdbc.user", null,
      "User of the state database.");
  public static final Key STATE_JDBC_PASSWORD = new Key("vxconnect.state.jdbc.password", null,
      "Password of the state database user; prefer the environment variable or passwordFile.");
  public static final Key STATE_JDBC_PASSWORD_FILE = new Key("vxconnect.state.jdbc.passwordFile", null,
      "File holding the state database password (its first line), e.g. a mounted secret.");

  public static final Key AUTH_TOKEN = new Key("spark.connect.authenticate.token", null,
      "Pre-shared token: every call must carry 'Authorization: Bearer <token>'; its holder may act as"
          + " any user. Never given to Spark. Prefer the environment variable to the command line.");
  public static final Key AUTH_TOKENS_FILE = new Key("vxconnect.auth.tokensFile", null,
      "File of tokens bound to users, one 'user token' (or 'user sha256:<hex>') per line; a call's"
          + " user_id must then be its token's user.");
  public static final Key AUTH_JWT_KEYS_FILE = new Key("vxconnect.auth.jwt.keysFile", null,
      "JWKS document or PEM public key: bearer tokens that are JWTs signed by one of its keys (RSA or"
          + " EC), unexpired, are accepted for the user of their userClaim.");
  public static final Key AUTH_JWT_ISSUER = new Key("vxconnect.auth.jwt.issuer", null,
      "The 'iss' a JWT must carry; unset: not checked.");
  public static final Key AUTH_JWT_AUDIENCE = new Key("vxconnect.auth.jwt.audience", null,
      "A value the JWT's 'aud' must contain; unset: not checked.");
  public static final Key AUTH_JWT_USER_CLAIM = new Key("vxconnect.auth.jwt.userClaim", "sub",
      "The JWT claim that names the user (the call's user_id must be it).");
  public static final Key TLS_CERT_FILE = new Key("vxconnect.tls.certFile", null,
      "PEM certificate chain of the gRPC port; when set (with keyFile), the port speaks only TLS.");
  public static final Key TLS_KEY_FILE = new Key("vxconnect.tls.keyFile", null,
      "PEM private key (PKCS#8 or PKCS#1) of the certificate.");
  public static final Key TLS_CLIENT_CA_FILE = new Key("vxconnect.tls.clientCaFile", null,
      "PEM CA certificates; when set, clients must present a certificate they signed (mTLS).");
  public static final Key TLS_TRUST_FILE = new Key("vxconnect.tls.trustFile", null,
      "PEM certificates trusted when forwarding a call to another instance; default: certFile.");
  public static final Key TLS_ALLOW_INSECURE = new Key("vxconnect.tls.allowInsecure", "false",
      "Whether clients on other hosts may call without TLS; loopback clients always may.");

  public static final List<Key> ALL = List.of(BINDING_PORT, BINDING_ADDRESS,
      MAX_INBOUND_MESSAGE_SIZE, RECURSION_LIMIT, SESSION_TIMEOUT, CLOSED_SESSIONS_TOMBSTONES,
      SESSION_MAINTENANCE_INTERVAL, REATTACHABLE_ENABLED, RETRY_BUFFER_SIZE, MAX_STREAM_DURATION,
      MAX_STREAM_SIZE, DETACHED_TIMEOUT, EXECUTE_MAINTENANCE_INTERVAL, ABANDONED_TOMBSTONES,
      INACTIVE_OPERATIONS_EXPIRATION, EVENT_LOOPS, SHUTDOWN_GRACE, MAX_EVENT_LOOP_EXECUTE_TIME, ADMIN_PORT, EXECUTE_THREADS, MAX_OPERATIONS,
      MAX_OPERATIONS_PER_SESSION, MAX_OPERATIONS_PER_USER, MAX_BUFFERED_BYTES, RETRY_DELAY,
      MAX_SESSIONS_PER_USER, MAX_ARTIFACT_BYTES, ALLOWED_LOCAL_PATHS, RPC_THREADS, BUFFER_AHEAD_BYTES, RESULT_WINDOW_BYTES, PYTHON_ENABLED, ARTIFACTS_DIR, CLUSTER_ENABLED,
      CLUSTER_NAME, CLUSTER_PORT, CLUSTER_MEMBERS, CLUSTER_INSTANCE_ID, CLUSTER_ADVERTISED_ADDRESS,
      CLUSTER_MEMBER_TIMEOUT, CLUSTER_CONFIG_FILE, CLUSTER_MAX_ARTIFACT_BYTES,
      STATE_JDBC_URL, STATE_JDBC_USER, STATE_JDBC_PASSWORD, STATE_JDBC_PASSWORD_FILE, AUTH_TOKEN,
      AUTH_TOKENS_FILE, AUTH_JWT_KEYS_FILE, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE, AUTH_JWT_USER_CLAIM,
      TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE, TLS_TRUST_FILE,
      TLS_ALLOW_INSECURE, ARTIFACTS_COPY_TO_LOCAL_FS,
      MAX_CONCURRENT_STREAMS, MAX_CONNECTIONS, IDLE_TIMEOUT, WARMUP);
}
