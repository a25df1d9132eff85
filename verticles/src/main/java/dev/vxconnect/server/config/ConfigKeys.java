package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Every configuration key the server reads, each declared once with its type, default, check and
 * documentation. Keys of Apache Spark's Connect server keep their name, meaning and default; our
 * own live under {@code vxconnect.*}. Every other {@code spark.*} key goes to Spark.
 * conf/vxconnect.conf is generated from these sections ({@link ConfFile}).
 */
public final class ConfigKeys {

  private ConfigKeys() {}

  /** A titled group of keys in the conf file; {@code note} comes before its keys. */
  public record Section(String title, String note, List<ConfigEntry<?>> entries) {}

  private static final Predicate<Integer> POSITIVE = n -> n > 0;
  private static final Predicate<Integer> NOT_NEGATIVE = n -> n >= 0;
  private static final Predicate<Long> POSITIVE_BYTES = n -> n > 0;
  private static final Predicate<Duration> POSITIVE_TIME = d -> d.toMillis() > 0;
  private static final Predicate<Duration> NOT_NEGATIVE_TIME = d -> !d.isNegative();

  // ---- gRPC service (Spark's keys)
  public static final ConfigEntry<Integer> BINDING_PORT =
      ConfigEntry.key("spark.connect.grpc.binding.port")
          .doc("Port of the Spark Connect gRPC service; 0 = any free port.")
          .intConf()
          .checkValue(p -> p >= 0 && p <= 65535, "must be a port from 0 to 65535")
          .createWithDefault(15002);
  public static final ConfigEntry<String> BINDING_ADDRESS =
      ConfigEntry.key("spark.connect.grpc.binding.address")
          .doc("Address the gRPC service binds to.")
          .stringConf()
          .createWithDefault("0.0.0.0");
  public static final ConfigEntry<Long> MAX_INBOUND_MESSAGE_SIZE =
      ConfigEntry.key("spark.connect.grpc.maxInboundMessageSize")
          .doc(
              "Largest request message accepted, in bytes (128 MiB); a larger one is refused with"
                  + " RESOURCE_EXHAUSTED, as on Spark's server.")
          .bytesConf()
          .checkValue(n -> n > 0 && n <= Integer.MAX_VALUE, "must be in (0, 2^31)")
          .createWithDefaultString("134217728");
  public static final ConfigEntry<Integer> RECURSION_LIMIT =
      ConfigEntry.key("spark.connect.grpc.marshallerRecursionLimit")
          .doc("Deepest nesting of a request message (plan depth).")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(1024);

  public static final ConfigEntry<Optional<List<String>>> INTERCEPTOR_CLASSES =
      ConfigEntry.key("spark.connect.grpc.interceptor.classes")
          .doc(
              "Comma list of gRPC server interceptors (Spark's key): classes implementing"
                  + " org.sparkproject.connect.grpc.ServerInterceptor (the gRPC relocated in"
                  + " spark-connect_2.13, as for Spark's server) with a public no-arg constructor, on the"
                  + " class path (VXCONNECT_CLASSPATH). They run on a worker thread before each call's"
                  + " handler, after vxconnect's own authentication, the last listed first; they may read"
                  + " the headers, add response headers or end the call with a status, not see its"
                  + " messages (docs/security.md). A class that cannot be loaded or built stops the start.")
          .stringListConf()
          .createOptional();

  // ---- Sessions (Spark's keys)
  public static final ConfigEntry<Duration> SESSION_TIMEOUT =
      ConfigEntry.key("spark.connect.session.manager.defaultSessionTimeout")
          .doc(
              "A session unused for this long is closed. In a cluster, the record of a session whose"
                  + " instance died (or stopped and handed it over) and that nobody used since"
                  + " expires after it too, with its replicated artifacts.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("60m");
  public static final ConfigEntry<Integer> CLOSED_SESSIONS_TOMBSTONES =
      ConfigEntry.key("spark.connect.session.manager.closedSessionsTombstonesSize")
          .doc(
              "How many closed session ids are remembered, so they are not silently reused. In a"
                  + " cluster, the bound holds for all instances together, spread over Hazelcast's"
                  + " partitions (at least one per partition); beyond it the least recently used"
                  + " one is forgotten, and its id may be used again, as in Spark's server.")
          .intConf()
          .checkValue(NOT_NEGATIVE, "must be >= 0")
          .createWithDefault(1000);
  public static final ConfigEntry<Duration> SESSION_MAINTENANCE_INTERVAL =
      ConfigEntry.key("spark.connect.session.manager.maintenanceInterval")
          .doc("How often idle sessions are looked for.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("30s");
  public static final ConfigEntry<Duration> INACTIVE_OPERATIONS_EXPIRATION =
      ConfigEntry.key("spark.connect.session.inactiveOperations.cacheExpiration")
          .doc("Minutes a finished operation id is remembered, so that it is not run twice.")
          .timeConf(TimeUnit.MINUTES)
          .checkValue(NOT_NEGATIVE_TIME, "must be >= 0")
          .createWithDefaultString("30");

  // ---- Executions (Spark's keys)
  public static final ConfigEntry<Boolean> REATTACHABLE_ENABLED =
      ConfigEntry.key("spark.connect.execute.reattachable.enabled")
          .doc("Whether clients may ask for reattachable executions.")
          .booleanConf()
          .createWithDefault(true);
  public static final ConfigEntry<Long> RETRY_BUFFER_SIZE =
      ConfigEntry.key("spark.connect.execute.reattachable.observerRetryBufferSize")
          .doc("Result bytes kept after they were sent, so that a reattaching client can resume.")
          .bytesConf()
          .checkValue(n -> n >= 0, "must be >= 0")
          .createWithDefaultString("10m");
  public static final ConfigEntry<Duration> MAX_STREAM_DURATION =
      ConfigEntry.key("spark.connect.execute.reattachable.senderMaxStreamDuration")
          .doc(
              "A reattachable result stream is ended after this long; the client reattaches and goes on.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("2m");
  public static final ConfigEntry<Long> MAX_STREAM_SIZE =
      ConfigEntry.key("spark.connect.execute.reattachable.senderMaxStreamSize")
          .doc(
              "A reattachable result stream is ended after this many bytes; the client reattaches.")
          .bytesConf()
          .checkValue(POSITIVE_BYTES, "must be > 0")
          .createWithDefaultString("1g");
  public static final ConfigEntry<Duration> DETACHED_TIMEOUT =
      ConfigEntry.key("spark.connect.execute.manager.detachedTimeout")
          .doc(
              "An operation with no client attached for this long is interrupted and forgotten (abandoned).")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("5m");
  public static final ConfigEntry<Duration> EXECUTE_MAINTENANCE_INTERVAL =
      ConfigEntry.key("spark.connect.execute.manager.maintenanceInterval")
          .doc("How often abandoned operations are looked for.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("30s");
  public static final ConfigEntry<Integer> ABANDONED_TOMBSTONES =
      ConfigEntry.key("spark.connect.execute.manager.abandonedTombstonesSize")
          .doc("How many abandoned operation ids are remembered (OPERATION_ABANDONED on reuse).")
          .intConf()
          .checkValue(NOT_NEGATIVE, "must be >= 0")
          .createWithDefault(10000);

  // ---- vxconnect: server
  public static final ConfigEntry<Optional<Integer>> EVENT_LOOPS =
      ConfigEntry.key("vxconnect.server.eventLoops")
          .doc("Event loop threads (and gRPC verticle instances); default: 2 x cores.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createOptional();
  public static final ConfigEntry<Duration> SHUTDOWN_GRACE =
      ConfigEntry.key("vxconnect.server.shutdownGracePeriod")
          .doc(
              "On SIGTERM, how long running operations may take to finish before they are interrupted."
                  + " The whole stop runs inside Spark's shutdown hook, bounded by"
                  + " hadoop.service.shutdown.timeout (30s default).")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(NOT_NEGATIVE_TIME, "must be >= 0")
          .createWithDefaultString("20s");
  public static final ConfigEntry<Duration> MAX_EVENT_LOOP_EXECUTE_TIME =
      ConfigEntry.key("vxconnect.server.maxEventLoopExecuteTime")
          .doc(
              "Vert.x's blocked-thread checker warns when an event loop task runs longer than this.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("2s");
  public static final ConfigEntry<Integer> MAX_CONCURRENT_STREAMS =
      ConfigEntry.key("vxconnect.server.maxConcurrentStreams")
          .doc(
              "Calls (HTTP/2 streams) one connection may have open at once (the clients multiplex all"
                  + " their calls on one connection); beyond, the client waits for one to end.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(100);
  public static final ConfigEntry<Integer> MAX_CONNECTIONS =
      ConfigEntry.key("vxconnect.server.maxConnections")
          .doc(
              "Connections served at once; beyond, a new connection's calls are answered UNAVAILABLE"
                  + " naming this limit, with a retry delay, and it is closed within 2 s.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(10000);
  public static final ConfigEntry<Duration> IDLE_TIMEOUT =
      ConfigEntry.key("vxconnect.server.idleTimeout")
          .doc(
              "A connection with no traffic for this long is closed; 0 = never. A query that sends"
                  + " nothing for that long loses its connection too (reattachable executions are resumed by"
                  + " the client).")
          .timeConf(TimeUnit.SECONDS)
          .checkValue(NOT_NEGATIVE_TIME, "must be >= 0")
          .createWithDefaultString("0");
  public static final ConfigEntry<Boolean> WARMUP =
      ConfigEntry.key("vxconnect.server.warmup")
          .doc(
              "Run a few plans before serving, so that the first clients (and sessions taken over after"
                  + " a failover) do not pay for loading and compiling Spark's code paths (seconds).")
          .booleanConf()
          .createWithDefault(true);

  // ---- vxconnect: executions
  public static final ConfigEntry<Integer> EXECUTE_THREADS =
      ConfigEntry.key("vxconnect.execution.threads")
          .doc(
              "Operations that run Spark at once (plan, jobs, result encoding); more wait for a slot."
                  + " Each operation has a thread of its own (at most maxOperations); one waiting for its"
                  + " client to read gives its slot to another, so slow readers cannot starve the others.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(16);
  public static final ConfigEntry<Integer> MAX_OPERATIONS =
      ConfigEntry.key("vxconnect.execution.maxOperations")
          .doc(
              "Operations accepted (running or queued) at once; beyond, RESOURCE_EXHAUSTED with a"
                  + " retry delay.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(1000);
  public static final ConfigEntry<Integer> MAX_OPERATIONS_PER_SESSION =
      ConfigEntry.key("vxconnect.execution.maxOperationsPerSession")
          .doc(
              "Operations one session may run or queue at once; beyond, RESOURCE_EXHAUSTED with a retry delay.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(100);
  public static final ConfigEntry<Integer> MAX_OPERATIONS_PER_USER =
      ConfigEntry.key("vxconnect.execution.maxOperationsPerUser")
          .doc(
              "Operations one user may run or queue at once, over all sessions and all instances;"
                  + " beyond, RESOURCE_EXHAUSTED with a retry delay. The instances publish their counts to each other"
                  + " as they change (milliseconds behind): operations started at the same moment on"
                  + " several instances can pass it by the ones racing.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(500);
  public static final ConfigEntry<Long> MAX_BUFFERED_BYTES =
      ConfigEntry.key("vxconnect.execution.maxBufferedBytes")
          .doc(
              "Result bytes held by all operations' buffers beyond which new operations are refused"
                  + " (RESOURCE_EXHAUSTED with a retry delay) until clients read them.")
          .bytesConf()
          .checkValue(POSITIVE_BYTES, "must be > 0")
          .createWithDefaultString("1g");
  public static final ConfigEntry<Duration> RETRY_DELAY =
      ConfigEntry.key("vxconnect.execution.retryDelay")
          .doc("Back-off suggested to clients refused for a limit or load (google.rpc.RetryInfo).")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(POSITIVE_TIME, "must be at least 1ms")
          .createWithDefaultString("1s");
  public static final ConfigEntry<Integer> MAX_SESSIONS_PER_USER =
      ConfigEntry.key("vxconnect.session.maxSessionsPerUser")
          .doc(
              "Sessions one user may hold at once, over all instances (counted in the cluster);"
                  + " beyond, RESOURCE_EXHAUSTED. A session counts until it is closed or expires,"
                  + " also after its instance died (it is taken over at its next call).")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(1000);
  public static final ConfigEntry<Integer> MAX_SESSIONS =
      ConfigEntry.key("vxconnect.session.maxSessions")
          .doc(
              "Sessions this instance holds awake at once (hibernated ones do not count): each is a"
                  + " whole Spark session, about 150-400 KiB of heap (docs/benchmarks.md). Beyond, a call"
                  + " that would open, clone, wake or take over a session is answered RESOURCE_EXHAUSTED"
                  + " with a RetryInfo; sessions already awake are served as before. Calls arriving at the"
                  + " same moment may pass it by a few.")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(10_000);
  public static final ConfigEntry<Duration> SESSION_HIBERNATE_AFTER =
      ConfigEntry.key("vxconnect.session.hibernateAfter")
          .doc(
              "A session unused for this long that runs nothing and holds nothing only memory can hold"
                  + " (a running streaming query, an ML model, a persisted DataFrame, an artifact too large"
                  + " to keep) releases its Spark side and keeps only its record; its next call rebuilds"
                  + " it from the record, as a failover does, under the same server-side session id. A"
                  + " single instance then records every session's changes and keeps its artifacts' bytes"
                  + " on local disk (under vxconnect.artifacts.stagingDir). 0 turns hibernation off.")
          .timeConf(TimeUnit.MILLISECONDS)
          .checkValue(NOT_NEGATIVE_TIME, "must be >= 0")
          .createWithDefaultString("10m");
  public static final ConfigEntry<Integer> RPC_THREADS =
      ConfigEntry.key("vxconnect.rpc.threads")
          .doc("Worker threads for short Spark calls (config, analyze, artifacts, session set-up).")
          .intConf()
          .checkValue(POSITIVE, "must be > 0")
          .createWithDefault(8);
  public static final ConfigEntry<Long> BUFFER_AHEAD_BYTES =
      ConfigEntry.key("vxconnect.execution.bufferAheadBytes")
          .doc(
              "Result bytes an operation may produce ahead of what its client has read; then it waits.")
          .bytesConf()
          .checkValue(POSITIVE_BYTES, "must be > 0")
          .createWithDefaultString("8m");
  public static final ConfigEntry<Long> RESULT_WINDOW_BYTES =
      ConfigEntry.key("vxconnect.results.windowBytes")
          .doc(
              "Arrow bytes fetched from executors per Spark job when streaming a result. A"
                  + " partition larger than its share of it keeps the rest on its executor's disk,"
                  + " fetched in blocks of a quarter of it.")
          .bytesConf()
          .checkValue(POSITIVE_BYTES, "must be > 0")
          .createWithDefaultString("64m");

  // ---- vxconnect: Python
  public static final ConfigEntry<Boolean> PYTHON_ENABLED =
      ConfigEntry.key("vxconnect.python.enabled")
          .doc(
              "Whether plans may use Python UDFs, UDTFs and data sources (needs Python with PySpark on"
                  + " the executors); when false they are refused with FEATURE_NOT_ENABLED.")
          .booleanConf()
          .createWithDefault(false);

  // ---- vxconnect: artifacts
  public static final ConfigEntry<Optional<Path>> ARTIFACTS_DIR =
      ConfigEntry.key("vxconnect.artifacts.stagingDir")
          .doc("Where uploaded artifacts are staged; default: a directory under java.io.tmpdir.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Boolean> ARTIFACTS_COPY_TO_LOCAL_FS =
      ConfigEntry.key("vxconnect.artifacts.allowCopyToLocalFs")
          .doc(
              "Whether forward_to_fs/ artifacts (PySpark's copyFromLocalToFs) may be written to the"
                  + " driver's local file system. A session's own"
                  + " spark.sql.artifact.copyFromLocalToFs.allowDestLocal cannot allow it: any client could"
                  + " then overwrite any file the server may write.")
          .booleanConf()
          .createWithDefault(false);
  public static final ConfigEntry<Long> MAX_ARTIFACT_BYTES =
      ConfigEntry.key("vxconnect.artifacts.maxBytesPerSession")
          .doc(
              "Bytes of artifacts (jars, classes, files, archives) one session may add in all; an upload"
                  + " that would pass it is refused with RESOURCE_EXHAUSTED (one AddArtifacts call carries at"
                  + " most 2 GiB). Counted per instance: a session taken over by another instance starts"
                  + " counting again there.")
          .bytesConf()
          .checkValue(POSITIVE_BYTES, "must be > 0")
          .createWithDefaultString("10g");
  public static final ConfigEntry<Optional<List<String>>> ALLOWED_LOCAL_PATHS =
      ConfigEntry.key("vxconnect.sources.allowedLocalPaths")
          .doc(
              "Comma list of directories of the server's local file system that sessions' file data"
                  + " sources (spark.read.parquet / csv / json / text..., writes, table LOCATIONs, LOAD DATA,"
                  + " streaming sinks and checkpoints) may use, besides the warehouse; any other local path"
                  + " is refused (VXCONNECT_LOCAL_PATH_NOT_ALLOWED). Paths on other file systems (hdfs://,"
                  + " s3a://...) are not affected. Unset: any path, as on Spark's server.")
          .stringListConf()
          .createOptional();

  // ---- vxconnect: cluster
  public static final ConfigEntry<Boolean> CLUSTER_ENABLED =
      ConfigEntry.key("vxconnect.cluster.enabled")
          .doc(
              "false = single instance with an in-memory session store; true = one Hazelcast member per"
                  + " instance, session metadata replicated and sessions taken over when their instance is lost.")
          .booleanConf()
          .createWithDefault(false);
  public static final ConfigEntry<String> CLUSTER_NAME =
      ConfigEntry.key("vxconnect.cluster.name")
          .doc(
              "Instances with the same cluster name and secret (and reachable members) form one service;"
                  + " the Hazelcast cluster name is this name and a digest of the secret.")
          .stringConf()
          .createWithDefault("vxconnect");
  public static final ConfigEntry<Optional<String>> CLUSTER_SECRET =
      ConfigEntry.key("vxconnect.cluster.secret")
          .doc(
              "The cluster's shared secret, the same on every instance; required when the instance is a"
                  + " cluster member (vxconnect.cluster.enabled or a state database), which otherwise does"
                  + " not start. The instances sign the calls they forward to each other with it"
                  + " (HMAC-SHA256): a call that claims to be forwarded without a valid signature is served as"
                  + " an ordinary client call. The Hazelcast cluster name is derived from it, so a member"
                  + " without it cannot join (docs/security.md). At least 16 characters, e.g. the output of"
                  + " `openssl rand -base64 32`. Prefer the environment variable VXCONNECT_CLUSTER_SECRET or"
                  + " secretFile to --conf.")
          .secret()
          .stringConf()
          .checkValue(s -> s.strip().length() >= 16, "must have at least 16 characters")
          .createOptional();
  public static final ConfigEntry<Optional<Path>> CLUSTER_SECRET_FILE =
      ConfigEntry.key("vxconnect.cluster.secretFile")
          .doc(
              "A file whose first line is the cluster secret (e.g. a mounted Kubernetes or Docker secret).")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Integer> CLUSTER_PORT =
      ConfigEntry.key("vxconnect.cluster.port")
          .doc("Port of this instance's Hazelcast member.")
          .intConf()
          .checkValue(p -> p >= 1 && p <= 65535, "must be a port from 1 to 65535")
          .createWithDefault(5701);
  public static final ConfigEntry<List<String>> CLUSTER_MEMBERS =
      ConfigEntry.key("vxconnect.cluster.members")
          .doc(
              "Comma-separated host:port of Hazelcast members to join (TCP-IP discovery, no multicast)."
                  + " bin/vxconnect --cluster-members LIST sets it and vxconnect.cluster.enabled=true.")
          .stringListConf()
          .createWithDefaultString("");
  public static final ConfigEntry<Optional<String>> CLUSTER_INSTANCE_ID =
      ConfigEntry.key("vxconnect.cluster.instanceId")
          .doc("This instance's unique id; default: host:gRPC port.")
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Optional<String>> CLUSTER_ADVERTISED_ADDRESS =
      ConfigEntry.key("vxconnect.cluster.advertisedAddress")
          .doc(
              "host:port where the other instances reach this one's gRPC service; default: host:gRPC port.")
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Duration> CLUSTER_MEMBER_TIMEOUT =
      ConfigEntry.key("vxconnect.cluster.memberTimeout")
          .doc("An instance silent for this long is declared gone and its sessions are taken over.")
          .timeConf(TimeUnit.SECONDS)
          .checkValue(NOT_NEGATIVE_TIME, "must be >= 0")
          .createWithDefaultString("5s");
  public static final ConfigEntry<Optional<Path>> CLUSTER_CONFIG_FILE =
      ConfigEntry.key("vxconnect.cluster.configFile")
          .doc(
              "Hazelcast YAML to start from; default: $VXCONNECT_HOME/conf/hazelcast.yaml if present.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Long> CLUSTER_MAX_ARTIFACT_BYTES =
      ConfigEntry.key("vxconnect.cluster.maxReplicatedArtifactBytes")
          .doc(
              "Artifacts up to this size are replicated for failover; larger ones stay with their instance.")
          .bytesConf()
          .checkValue(n -> n >= 0, "must be >= 0")
          .createWithDefaultString("64m");

  public static final ConfigEntry<Integer> CLUSTER_MAX_STREAMING_QUERIES =
      ConfigEntry.key("vxconnect.cluster.maxStreamingQueriesPerSession")
          .doc(
              "Streaming queries of one session that are recorded in the cluster while they run, so that"
                  + " the instance that takes the session over starts them again from their checkpoint (or"
                  + " reports them lost); queries started beyond it are not recorded and do not survive their"
                  + " instance (docs/failover.md).")
          .intConf()
          .checkValue(NOT_NEGATIVE, "must be >= 0")
          .createWithDefault(32);

  public static final ConfigEntry<Boolean> RESUME_RESULTS =
      ConfigEntry.key("vxconnect.cluster.resumeResults")
          .doc(
              "Whether a query result being read when its instance is lost goes on from another instance:"
                  + " before each result response is sent, where its client will stand is recorded in the"
                  + " cluster, and the instance that takes the session over runs the query again and, if it"
                  + " gives the same responses, sends the rest (docs/failover.md). Off: such results end in"
                  + " VXCONNECT_FAILOVER.OPERATION_LOST, and nothing is recorded per response.")
          .booleanConf()
          .createWithDefault(true);

  // ---- Durable state
  public static final ConfigEntry<Optional<String>> STATE_JDBC_URL =
      ConfigEntry.key("vxconnect.state.jdbc.url")
          .doc(
              "The PostgreSQL database (jdbc:postgresql://host:port/database) that holds what must outlive"
                  + " every instance: Spark's Hive metastore, one catalog for every instance (unless"
                  + " spark.sql.catalogImplementation or spark.hadoop.javax.jdo.option.ConnectionURL is set), and"
                  + " the session records, written through before a change is acknowledged. With it the instance"
                  + " is a cluster member (vxconnect.cluster.enabled may not be false). Unset: nothing durable.")
          .stringConf()
          .checkValue(url -> url.startsWith("jdbc:postgresql:"), "must be a jdbc:postgresql: URL")
          .createOptional();
  public static final ConfigEntry<Optional<String>> STATE_JDBC_USER =
      ConfigEntry.key("vxconnect.state.jdbc.user")
          .doc("The state database's user (it creates the tables on the first start).")
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Optional<String>> STATE_JDBC_PASSWORD =
      ConfigEntry.key("vxconnect.state.jdbc.password")
          .doc(
              "The user's password; prefer the environment variable VXCONNECT_STATE_JDBC_PASSWORD or"
                  + " passwordFile to --conf.")
          .secret()
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> STATE_JDBC_PASSWORD_FILE =
      ConfigEntry.key("vxconnect.state.jdbc.passwordFile")
          .doc(
              "A file whose first line is the password (e.g. a mounted Kubernetes or Docker secret).")
          .pathConf()
          .createOptional();

  // ---- Security
  public static final ConfigEntry<Optional<String>> AUTH_TOKEN =
      ConfigEntry.key("spark.connect.authenticate.token")
          .doc(
              "Pre-shared token (Spark's key): every call must carry \"Authorization: Bearer <token>\""
                  + " (clients: sc://host:15002/;use_ssl=true;token=...). Whoever holds it may act as any"
                  + " user_id. It is never given to Spark. Prefer the environment variable"
                  + " SPARK_CONNECT_AUTHENTICATE_TOKEN to --conf.")
          .secret()
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> AUTH_TOKENS_FILE =
      ConfigEntry.key("vxconnect.auth.tokensFile")
          .doc(
              "File of tokens bound to users: one \"user token\" (or \"user sha256:<hex of the token>\")"
                  + " per line; lines starting with # are comments. A call with such a token must name that user in"
                  + " user_context.user_id (clients: ;user_id=alice) or it is refused with PERMISSION_DENIED."
                  + " Read at start.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> AUTH_JWT_KEYS_FILE =
      ConfigEntry.key("vxconnect.auth.jwt.keysFile")
          .doc(
              "Bearer tokens that are JWTs (OIDC access or ID tokens): accepted when signed by a key of"
                  + " this file (a JWKS document, e.g. saved from the issuer's jwks_uri, or a PEM public key;"
                  + " RSA or EC signatures only), unexpired (60 s clock skew), with the issuer and audience"
                  + " below when set. The call's user_id must be the user named by the claim userClaim, or it"
                  + " is PERMISSION_DENIED. Read at start (restart to rotate keys).")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<String>> AUTH_JWT_ISSUER =
      ConfigEntry.key("vxconnect.auth.jwt.issuer")
          .doc("The 'iss' a JWT must carry; unset: not checked.")
          .stringConf()
          .createOptional();
  public static final ConfigEntry<Optional<String>> AUTH_JWT_AUDIENCE =
      ConfigEntry.key("vxconnect.auth.jwt.audience")
          .doc("A value the JWT's 'aud' must contain; unset: not checked.")
          .stringConf()
          .createOptional();
  public static final ConfigEntry<String> AUTH_JWT_USER_CLAIM =
      ConfigEntry.key("vxconnect.auth.jwt.userClaim")
          .doc("The JWT claim that names the user (the call's user_id must be it).")
          .stringConf()
          .checkValue(claim -> !claim.isBlank(), "must name a claim")
          .createWithDefault("sub");
  public static final ConfigEntry<Optional<CertificateUserField>> AUTH_MTLS_USER_FROM =
      ConfigEntry.key("vxconnect.auth.mtls.userFrom")
          .doc(
              "With client certificates (vxconnect.tls.clientCaFile), the field of a client's certificate"
                  + " that names its user: cn (the subject's common name), san-email, san-dns or san-uri (the"
                  + " subject alternative name of that type). The certificate must hold exactly one such value,"
                  + " otherwise its calls are UNAUTHENTICATED; a call's user_id must be that user, otherwise"
                  + " PERMISSION_DENIED. With tokens configured too, a call needs both, naming the same user."
                  + " Unset: certificates are required but name no user.")
          .oneOf(CertificateUserField.byKey())
          .createOptional();
  public static final ConfigEntry<Optional<Path>> TLS_CERT_FILE =
      ConfigEntry.key("vxconnect.tls.certFile")
          .doc(
              "PEM certificate chain of the gRPC port; when set (with keyFile), the port speaks only TLS"
                  + " (HTTP/2 over TLS with ALPN), and calls forwarded between instances use TLS too.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> TLS_KEY_FILE =
      ConfigEntry.key("vxconnect.tls.keyFile")
          .doc("PEM private key (PKCS#8 or PKCS#1) of that certificate.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> TLS_CLIENT_CA_FILE =
      ConfigEntry.key("vxconnect.tls.clientCaFile")
          .doc(
              "PEM CA certificates; when set, every client must present a certificate signed by one"
                  + " (mTLS): without one, or with one of another issuer, the TLS handshake fails."
                  + " vxconnect.auth.mtls.userFrom maps the certificate to its user. The instances present"
                  + " their own certificate to each other, so it must be signed by one of them too.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> TLS_TRUST_FILE =
      ConfigEntry.key("vxconnect.tls.trustFile")
          .doc(
              "PEM certificates trusted when forwarding a call to another instance; default:"
                  + " vxconnect.tls.certFile (one certificate shared by all instances). The JVM's default"
                  + " trust store is not used for these.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Boolean> TLS_ALLOW_INSECURE =
      ConfigEntry.key("vxconnect.tls.allowInsecure")
          .doc(
              "Whether clients on other hosts may call without TLS (e.g. behind a TLS-terminating proxy"
                  + " or on a private network); loopback clients always may.")
          .booleanConf()
          .createWithDefault(false);

  // ---- Admin service
  public static final ConfigEntry<Optional<Integer>> ADMIN_PORT =
      ConfigEntry.key("vxconnect.admin.port")
          .doc(
              "Port of the admin HTTP service: /metrics (Prometheus: Vert.x, JVM and vxconnect metrics),"
                  + " /admin (the cluster's sessions and operations as a page), /admin/sessions (as JSON),"
                  + " /health. Unset: no admin service; 0: any free port (logged at start; then the other"
                  + " instances cannot reach it, and their listings leave this instance's sessions out).")
          .intConf()
          .checkValue(p -> p >= 0 && p <= 65535, "must be a port from 0 to 65535")
          .createOptional();
  public static final ConfigEntry<String> ADMIN_ADDRESS =
      ConfigEntry.key("vxconnect.admin.address")
          .doc(
              "Address the admin service binds to: loopback by default, so only this host reaches it."
                  + " The other instances of a cluster ask it for its sessions there (bound to 0.0.0.0: at"
                  + " the advertised host): on several hosts bind it where they reach it, with a token.")
          .stringConf()
          .checkValue(address -> !address.isBlank(), "must be an address")
          .createWithDefault("127.0.0.1");
  public static final ConfigEntry<Optional<String>> ADMIN_TOKEN =
      ConfigEntry.key("vxconnect.admin.token")
          .doc(
              "When set, every admin request but /health must carry \"Authorization: Bearer <token>\""
                  + " (Prometheus: authorization.credentials) or HTTP Basic credentials with the token as"
                  + " password (browsers ask for them); else 401. The instances send it to each other, so"
                  + " give every instance the same. Prefer the environment variable VXCONNECT_ADMIN_TOKEN"
                  + " to --conf.")
          .secret()
          .stringConf()
          .checkValue(token -> !token.isBlank(), "must not be blank")
          .createOptional();
  public static final ConfigEntry<Optional<Path>> ADMIN_TLS_CERT_FILE =
      ConfigEntry.key("vxconnect.admin.tls.certFile")
          .doc(
              "PEM certificate chain of the admin port; when set (with keyFile), it speaks only HTTPS, and"
                  + " the instances ask each other's over HTTPS. May be the gRPC port's certificate.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> ADMIN_TLS_KEY_FILE =
      ConfigEntry.key("vxconnect.admin.tls.keyFile")
          .doc("PEM private key (PKCS#8 or PKCS#1) of that certificate.")
          .pathConf()
          .createOptional();
  public static final ConfigEntry<Optional<Path>> ADMIN_TLS_TRUST_FILE =
      ConfigEntry.key("vxconnect.admin.tls.trustFile")
          .doc(
              "PEM certificates trusted when asking another instance's admin service; default:"
                  + " vxconnect.admin.tls.certFile (one certificate shared by all instances).")
          .pathConf()
          .createOptional();

  /** The conf file's sections, in order; every key above is in exactly one. */
  public static final List<Section> SECTIONS =
      List.of(
          new Section(
              "Spark engine",
              String.join(
                  "\n",
                  "The Spark master: local[*] (embedded, default) or a cluster such as spark://host:7077 (also"
                      + " bin/vxconnect --master). On a cluster the server adds its own jar to spark.jars for"
                      + " the executors; in containers also set spark.driver.host and fixed spark.driver.port /"
                      + " spark.blockManager.port (docs/deployment.md).",
                  "spark.master local[*]"),
              List.of()),
          new Section(
              "gRPC service (Spark's keys)",
              String.join(
                  "\n",
                  "Largest Arrow batch sent in one response (the batches are cut at 70% of this, and at"
                      + " spark.sql.execution.arrow.maxRecordsPerBatch rows, 10000, whichever comes first; a"
                      + " client that asks for result chunking gets them in chunks of its preferred size). Read"
                      + " by Spark's planner.",
                  "spark.connect.grpc.arrow.maxBatchSize 128m"),
              List.of(
                  BINDING_PORT,
                  BINDING_ADDRESS,
                  MAX_INBOUND_MESSAGE_SIZE,
                  RECURSION_LIMIT,
                  INTERCEPTOR_CLASSES)),
          new Section(
              "Sessions (Spark's keys)",
              "",
              List.of(
                  SESSION_TIMEOUT,
                  CLOSED_SESSIONS_TOMBSTONES,
                  SESSION_MAINTENANCE_INTERVAL,
                  INACTIVE_OPERATIONS_EXPIRATION)),
          new Section("vxconnect: sessions", "", List.of(MAX_SESSIONS, SESSION_HIBERNATE_AFTER)),
          new Section(
              "Executions (Spark's keys)",
              "",
              List.of(
                  REATTACHABLE_ENABLED,
                  RETRY_BUFFER_SIZE,
                  MAX_STREAM_DURATION,
                  MAX_STREAM_SIZE,
                  DETACHED_TIMEOUT,
                  EXECUTE_MAINTENANCE_INTERVAL,
                  ABANDONED_TOMBSTONES)),
          new Section(
              "vxconnect: server",
              "",
              List.of(
                  EVENT_LOOPS,
                  SHUTDOWN_GRACE,
                  MAX_EVENT_LOOP_EXECUTE_TIME,
                  MAX_CONCURRENT_STREAMS,
                  MAX_CONNECTIONS,
                  IDLE_TIMEOUT,
                  WARMUP)),
          new Section(
              "vxconnect: executions",
              "",
              List.of(
                  EXECUTE_THREADS,
                  MAX_OPERATIONS,
                  MAX_OPERATIONS_PER_SESSION,
                  MAX_OPERATIONS_PER_USER,
                  MAX_BUFFERED_BYTES,
                  RETRY_DELAY,
                  MAX_SESSIONS_PER_USER,
                  RPC_THREADS,
                  BUFFER_AHEAD_BYTES,
                  RESULT_WINDOW_BYTES)),
          new Section("vxconnect: Python", "", List.of(PYTHON_ENABLED)),
          new Section(
              "vxconnect: artifacts",
              "",
              List.of(
                  ARTIFACTS_DIR,
                  ARTIFACTS_COPY_TO_LOCAL_FS,
                  MAX_ARTIFACT_BYTES,
                  ALLOWED_LOCAL_PATHS)),
          new Section(
              "vxconnect: cluster",
              "",
              List.of(
                  CLUSTER_ENABLED,
                  CLUSTER_NAME,
                  CLUSTER_SECRET,
                  CLUSTER_SECRET_FILE,
                  CLUSTER_PORT,
                  CLUSTER_MEMBERS,
                  CLUSTER_INSTANCE_ID,
                  CLUSTER_ADVERTISED_ADDRESS,
                  CLUSTER_MEMBER_TIMEOUT,
                  CLUSTER_CONFIG_FILE,
                  CLUSTER_MAX_ARTIFACT_BYTES,
                  CLUSTER_MAX_STREAMING_QUERIES,
                  RESUME_RESULTS)),
          new Section(
              "vxconnect: durable state (docs/deployment.md)",
              "",
              List.of(
                  STATE_JDBC_URL, STATE_JDBC_USER, STATE_JDBC_PASSWORD, STATE_JDBC_PASSWORD_FILE)),
          new Section(
              "Security (docs/security.md)",
              "With none of these set, vxconnect behaves as Spark's own server on a developer machine: no"
                  + " TLS, no token, and (unlike Spark) clients on other hosts are refused until TLS is"
                  + " configured or vxconnect.tls.allowInsecure is true.",
              List.of(
                  AUTH_TOKEN,
                  AUTH_TOKENS_FILE,
                  AUTH_JWT_KEYS_FILE,
                  AUTH_JWT_ISSUER,
                  AUTH_JWT_AUDIENCE,
                  AUTH_JWT_USER_CLAIM,
                  TLS_CERT_FILE,
                  TLS_KEY_FILE,
                  TLS_CLIENT_CA_FILE,
                  AUTH_MTLS_USER_FROM,
                  TLS_TRUST_FILE,
                  TLS_ALLOW_INSECURE)),
          new Section(
              "vxconnect: admin service (docs/security.md)",
              "",
              List.of(
                  ADMIN_PORT,
                  ADMIN_ADDRESS,
                  ADMIN_TOKEN,
                  ADMIN_TLS_CERT_FILE,
                  ADMIN_TLS_KEY_FILE,
                  ADMIN_TLS_TRUST_FILE)));

  /** Every key, in the conf file's order. */
  public static final List<ConfigEntry<?>> ALL =
      SECTIONS.stream().flatMap(section -> section.entries().stream()).toList();

  /** The entry named {@code key}, if it is one of ours. */
  public static Optional<ConfigEntry<?>> find(String key) {
    return ALL.stream().filter(entry -> entry.key().equals(key)).findFirst();
  }
}
