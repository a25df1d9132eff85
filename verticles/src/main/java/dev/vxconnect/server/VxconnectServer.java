package dev.vxconnect.server;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.hazelcast.HazelcastCluster;
import dev.vxconnect.cluster.jdbc.StateDatabase;
import dev.vxconnect.cluster.memory.DiskArtifactStore;
import dev.vxconnect.cluster.memory.LocalCluster;
import dev.vxconnect.planner.SparkEngine;
import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.admin.AdminServer;
import dev.vxconnect.server.admin.ServerMetrics;
import dev.vxconnect.server.auth.Authenticator;
import dev.vxconnect.server.auth.JwtVerifier;
import dev.vxconnect.server.auth.TokenTable;
import dev.vxconnect.server.buffer.StreamLimits;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.config.AdminOptions;
import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.execution.ProgressReporter;
import dev.vxconnect.server.intercept.InterceptorChain;
import dev.vxconnect.server.intercept.InterceptorClasses;
import dev.vxconnect.server.routing.ForwardSeal;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.rpc.AddArtifactsHandler;
import dev.vxconnect.server.rpc.AnalyzePlanHandler;
import dev.vxconnect.server.rpc.ArtifactStatusHandler;
import dev.vxconnect.server.rpc.CallGuard;
import dev.vxconnect.server.rpc.CallTracker;
import dev.vxconnect.server.rpc.CloneSessionHandler;
import dev.vxconnect.server.rpc.ConfigHandler;
import dev.vxconnect.server.rpc.ConnectionLimit;
import dev.vxconnect.server.rpc.ExecutePlanHandler;
import dev.vxconnect.server.rpc.FetchErrorDetailsHandler;
import dev.vxconnect.server.rpc.InterruptHandler;
import dev.vxconnect.server.rpc.ReattachExecuteHandler;
import dev.vxconnect.server.rpc.ReleaseExecuteHandler;
import dev.vxconnect.server.rpc.ReleaseSessionHandler;
import dev.vxconnect.server.rpc.RpcHandlers;
import dev.vxconnect.server.rpc.SessionCalls;
import dev.vxconnect.server.rpc.SparkConnectVerticle;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.connect.grpc.ServerInterceptor;

/**
 * One vxconnect instance: the Spark driver, Vert.x with one gRPC verticle per event loop, the
 * worker pools, and the session and execution managers, wired together.
 */
public final class VxconnectServer {

  private static final Logger LOG = LoggerFactory.getLogger(VxconnectServer.class);

  /** Longest upload one AddArtifacts call may carry. */
  private static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

  /** How often running operations are looked at for a due progress report. */
  private static final long PROGRESS_TICK_MS = 250;

  /** On a graceful stop, how long no call must have started before connections are closed. */
  private static final long QUIET_BEFORE_CLOSE_MS = 1000;

  /**
   * On a graceful stop of a lone instance, how long the operations interrupted after the grace
   * period may take to send their error before the connections close.
   */
  private static final long INTERRUPTED_STREAMS_MS = 5000;

  private final ServerConfig config;
  private final SparkEngine engine;
  private final Vertx vertx;
  private final WorkerExecutor sparkPool;
  private volatile long stopDeadlineMs;
  private final Cluster cluster;
  private final Optional<StateDatabase> state;
  private final SessionManager sessions;
  private final ExecutionManager executions;
  private final long maintenanceTimer;
  private final long executionMaintenanceTimer;
  private final long progressTimer;
  private final CallTracker callTracker;
  private final ConnectionLimit connections;
  private final List<Class<? extends ServerInterceptor>> interceptorClasses;

  /** Null without an admin port: then nothing is measured. */
  private final ServerMetrics metrics;

  private AdminServer admin;
  private int port;
  private int adminPort = -1;
  private String deploymentId;

  private VxconnectServer(
      ServerConfig config,
      SparkEngine engine,
      Optional<StateDatabase> state,
      List<Class<? extends ServerInterceptor>> interceptorClasses) {
    this.config = config;
    this.interceptorClasses = interceptorClasses;
    this.engine = engine;
    this.state = state;
    ExecutionOptions execution = config.execution();
    long maxEventLoopMs = config.server().maxEventLoopExecuteTime().toMillis();
    VertxOptions vertxOptions =
        new VertxOptions()
            .setEventLoopPoolSize(config.server().eventLoops())
            .setMaxEventLoopExecuteTime(maxEventLoopMs)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
            .setBlockedThreadCheckInterval(Math.max(10, Math.min(1000, maxEventLoopMs / 2)));
    if (!config.admin().enabled()) {
      metrics = null;
      callTracker = new CallTracker();
      vertx = Vertx.vertx(vertxOptions);
    } else {
      metrics = new ServerMetrics();
      callTracker = new CallTracker(metrics);
      vertx =
          Vertx.builder()
              .with(vertxOptions.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
              .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
              .build();
    }
    connections =
        new ConnectionLimit(config.server().maxConnections(), config.execution().retryDelay());
    vertx.exceptionHandler(failure -> LOG.error("Unhandled failure on a Vert.x thread", failure));
    sparkPool =
        vertx.createSharedWorkerExecutor(
            "vxconnect-spark", execution.rpcThreads(), 10, TimeUnit.MINUTES);
    // Closes and hibernations wait for the session's interrupted work (seconds at worst): on
    // threads of their own, never the short calls' of every other session.
    WorkerExecutor releasePool =
        vertx.createSharedWorkerExecutor(
            "vxconnect-release", execution.rpcThreads(), 10, TimeUnit.MINUTES);
    WorkerExecutor clusterPool =
        vertx.createSharedWorkerExecutor("vxconnect-cluster", 8, 1, TimeUnit.MINUTES);
    int tombstones = config.sessions().tombstones();
    cluster =
        config.cluster().enabled()
            ? HazelcastCluster.start(config.cluster(), tombstones, clusterPool, state)
            : config.sessions().hibernates()
                ? new LocalCluster(
                    config.cluster().instanceId(),
                    tombstones,
                    new DiskArtifactStore(keptArtifactsDir(config), clusterPool))
                : new LocalCluster(config.cluster().instanceId(), tombstones);
    LOG.info("Instance {}: {}", config.cluster().instanceId(), cluster);
    sessions =
        new SessionManager(
            engine,
            sparkPool,
            releasePool,
            cluster,
            config.sessions(),
            execution.finishedOperationsMemory().toMillis(),
            config.cluster().maxReplicatedArtifactBytes());
    executions =
        new ExecutionManager(
            sparkPool,
            execution,
            sessions.recorder(),
            cluster.operations(),
            cluster.membership().self(),
            cluster.operationCounts());
    sessions.beforeClose(session -> session.operations().forEach(executions::release));
    maintenanceTimer =
        vertx.setPeriodic(
            config.sessions().maintenanceInterval().toMillis(),
            id -> {
              sessions.expireIdle();
              sessions.hibernateIdle();
              sessions
                  .expireOrphans()
                  .onFailure(e -> LOG.warn("Expiring orphaned sessions failed: {}", e.toString()));
              cluster
                  .maintain()
                  .onFailure(e -> LOG.warn("Cluster upkeep failed: {}", e.toString()));
            });
    executionMaintenanceTimer =
        vertx.setPeriodic(
            execution.maintenanceInterval().toMillis(),
            id ->
                sparkPool.executeBlocking(
                    () -> {
                      executions.abandonDetached(sessions.live());
                      return null;
                    },
                    false));
    if (metrics != null) {
      metrics.bind(sessions, executions, cluster.membership());
    }
    ProgressReporter progress = new ProgressReporter(sessions::live);
    progressTimer = vertx.setPeriodic(PROGRESS_TICK_MS, id -> progress.run());
  }

  /**
   * Opens the state database (if any), starts the Spark driver (seconds), then serves.
   *
   * @throws IllegalStateException when a part cannot start; what was started is stopped again
   */
  public static VxconnectServer start(ServerConfig config) {
    List<Class<? extends ServerInterceptor>> interceptorClasses =
        InterceptorClasses.load(
            config.server().interceptorClasses(), Thread.currentThread().getContextClassLoader());
    Optional<StateDatabase> state =
        config
            .state()
            .map(
                settings -> {
                  LOG.info("State database: {}", settings.describe());
                  return StateDatabase.open(settings);
                });
    SparkEngine engine;
    VxconnectServer server;
    try {
      LOG.info("Starting Spark ({})", config.engine());
      engine = SparkEngine.start(config.engine());
    } catch (RuntimeException e) {
      state.ifPresent(StateDatabase::close);
      throw e;
    }
    try {
      state.ifPresent(
          db ->
              db.claim(
                  "warehouse",
                  engine.warehouse(),
                  "every instance must see the same"
                      + " spark.sql.warehouse.dir (shared storage), or their tables' data would split"));
      if (config.server().warmup()) {
        Warmup.run(engine);
      }
      server = new VxconnectServer(config, engine, state, interceptorClasses);
    } catch (RuntimeException e) {
      state.ifPresent(StateDatabase::close);
      engine.close();
      throw e;
    }
    try {
      server.deploy().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      server.startAdmin();
    } catch (Exception e) {
      server.stop();
      throw new IllegalStateException("Could not start the gRPC service: " + e.getMessage(), e);
    }
    return server;
  }

  private Future<Void> deploy() {
    Failures failures = new Failures(engine, config.execution().retryDelay());
    SessionCalls calls = new SessionCalls(sessions, sparkPool, failures);
    StreamLimits limits =
        new StreamLimits(
            config.execution().maxStreamBytes(), config.execution().maxStreamDuration());
    SparkConnectMethods methods = new SparkConnectMethods(config.server().recursionLimit());
    // Without a secret the instance is not a member: it never forwards, and trusts no seal.
    ForwardSeal seal =
        config
            .clusterSecret()
            .map(secret -> ForwardSeal.of(secret, config.cluster().instanceId()))
            .orElse(ForwardSeal.NONE);
    Forwarder forwarder =
        new Forwarder(
            vertx,
            config.server().maxInboundMessageSize(),
            config.tls(),
            failures,
            seal,
            sessions::unreachable);
    AuthOptions auth = config.auth();
    Authenticator authenticator =
        new Authenticator(
            auth,
            auth.tokensFile().map(TokenTable::read).orElseGet(TokenTable::empty),
            auth.jwtKeysFile()
                .map(
                    keys ->
                        JwtVerifier.read(
                            keys,
                            auth.jwtIssuer().orElse(null),
                            auth.jwtAudience().orElse(null),
                            auth.jwtUserClaim())),
            config.tls());
    LOG.info("Security: {}, {}", authenticator, config.tls());
    InterceptorChain interceptors =
        new InterceptorChain(InterceptorClasses.instantiate(interceptorClasses));
    if (!interceptors.isEmpty()) {
      LOG.info("gRPC interceptors (each call meets the last first): {}", interceptors.names());
    }

    CallGuard guard =
        new CallGuard(
            authenticator, interceptors, failures, seal, config.server().maxInboundMessageSize());
    if (metrics != null) {
      metrics.bind(forwarder, guard);
    }
    RpcHandlers handlers =
        new RpcHandlers(
            methods,
            failures,
            forwarder,
            limits,
            callTracker,
            connections,
            guard,
            new ExecutePlanHandler(calls, executions),
            new ReattachExecuteHandler(calls, executions),
            new AddArtifactsHandler(
                calls,
                config.artifactsDir(),
                MAX_UPLOAD_BYTES,
                config.sessions().maxArtifactBytes(),
                methods.addArtifacts,
                forwarder),
            new AnalyzePlanHandler(calls),
            new ConfigHandler(calls),
            new ArtifactStatusHandler(calls),
            new InterruptHandler(calls, executions),
            new ReleaseExecuteHandler(calls, executions),
            new ReleaseSessionHandler(sessions),
            new FetchErrorDetailsHandler(calls),
            new CloneSessionHandler(calls));
    AtomicReference<SparkConnectVerticle> first = new AtomicReference<>();
    return vertx
        .deployVerticle(
            () -> {
              SparkConnectVerticle verticle =
                  new SparkConnectVerticle(
                      config.server(), config.tls(), handlers, this::remainingGraceMs);
              first.compareAndSet(null, verticle);
              return verticle;
            },
            new DeploymentOptions().setInstances(config.server().eventLoops()))
        .map(
            id -> {
              deploymentId = id;
              port = first.get().actualPort();
              return null;
            });
  }

  private void startAdmin() throws Exception {
    if (metrics == null) {
      return;
    }
    AdminOptions options = config.admin();
    admin = new AdminServer(vertx, options, metrics, sessions, cluster);
    adminPort = admin.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    LOG.info(
        "Admin service on {}://{}:{}/admin (metrics: /metrics; {})",
        options.scheme(),
        options.address(),
        adminPort,
        options.token().isPresent() ? "token required" : "no token");
  }

  /** The port of the admin HTTP service, or -1 when it is off. */
  public int adminPort() {
    return adminPort;
  }

  /**
   * Where a single instance whose sessions hibernate keeps their artifacts' bytes: a directory of
   * this process's own under the staging directory (the records that name them live in this
   * process's memory, so nothing in it outlives the process).
   */
  private static Path keptArtifactsDir(ServerConfig config) {
    try {
      Path dir =
          Files.createTempDirectory(DiskArtifactStore.prepare(config.artifactsDir()), "kept-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory under " + config.artifactsDir(), e);
    }
  }

  /** Stops the server gracefully when the JVM is asked to exit (SIGTERM, Ctrl-C). */
  public void stopOnShutdown() {
    engine.onShutdown(this::stop);
  }

  /** The port the gRPC service listens on. */
  public int port() {
    return port;
  }

  public String host() {
    return config.server().host();
  }

  /**
   * Stops serving: no new calls are taken, calls in flight get the grace period to finish, then
   * what still runs is interrupted, sessions are dropped and the Spark driver stopped.
   */
  public void stop() {
    long graceMs = config.server().shutdownGrace().toMillis();
    LOG.info(
        "Stopping: {} operation(s) running, up to {} ms to finish",
        executions.activeCount(),
        graceMs);
    vertx.cancelTimer(maintenanceTimer);
    vertx.cancelTimer(executionMaintenanceTimer);
    vertx.cancelTimer(progressTimer);
    executions.drain();
    Future<?> undeployed = null;
    if (cluster.isDistributed() && deploymentId != null) {
      // Other instances can serve the next calls: turn clients away now (GOAWAY), so that their
      // new calls go elsewhere (and take their sessions over) while running streams finish here.
      undeployed = stopService();
    }
    long deadline = System.currentTimeMillis() + graceMs;
    stopDeadlineMs = deadline;
    // Wait for operations still running or still streaming to their client, and for calls in
    // flight. A single instance also waits for its clients to go quiet (they often follow a result
    // with another call: release, config); in a cluster those calls go elsewhere once the
    // sessions are handed over, and waiting would only delay that.
    boolean waitForQuiet = !cluster.isDistributed();
    while ((operationsRunningOrStreaming()
            || callTracker.inFlight() > 0
            || (waitForQuiet && callTracker.quietMillis() < QUIET_BEFORE_CLOSE_MS))
        && System.currentTimeMillis() < deadline) {
      sleep(50);
    }
    await(sessions.handOver(), 10_000, "hand the sessions over");
    // The grace period is over (or nothing runs): what still runs is interrupted before the
    // service stops, so that its streams end now instead of holding the service's own shutdown
    // for another grace period (e.g. a client that reads slowly or not at all).
    long stillRunning =
        sessions.live().stream()
            .flatMap(s -> s.operations().stream())
            .filter(Operation::interrupt)
            .count();
    if (stillRunning > 0) {
      LOG.info("Interrupted {} operation(s) still running after the grace period", stillRunning);
      if (undeployed == null) {
        // A lone instance: its clients have nowhere else to go. Their streams end with the
        // interrupt's OPERATION_CANCELED before the connections close; a lost connection instead
        // would have the official clients retry, for minutes, a server that is gone.
        long endsBy = System.currentTimeMillis() + INTERRUPTED_STREAMS_MS;
        while (operationsRunningOrStreaming() && System.currentTimeMillis() < endsBy) {
          sleep(50);
        }
      }
    }
    if (undeployed == null && deploymentId != null) {
      undeployed = stopService();
    }
    if (undeployed != null) {
      await(undeployed, graceMs + 5_000, "stop the gRPC service");
    }
    executions.close();
    if (admin != null) {
      await(admin.close(), 5_000, "stop the admin service");
    }
    cluster.close();
    state.ifPresent(StateDatabase::close);
    await(vertx.close(), 30_000, "close Vert.x");
    engine.close();
    LOG.info("vxconnect stopped");
  }

  /**
   * Stops the gRPC service: first every client hears that this instance goes away while the calls
   * it already sent are still taken (see {@link ConnectionLimit#announceShutdown}), then the
   * service's verticles stop (their servers shut down with what is left of the grace period).
   */
  private Future<?> stopService() {
    connections.announceShutdown();
    return vertx.undeploy(deploymentId);
  }

  /** Whether an operation still runs or still streams to its client. */
  private boolean operationsRunningOrStreaming() {
    return sessions.live().stream()
        .flatMap(s -> s.operations().stream())
        .anyMatch(op -> !op.isFinished() || op.detachedSinceMs() < 0);
  }

  /**
   * How long the gRPC service may still let streams finish when it stops: the whole grace period
   * until {@link #stop} starts, then what is left of it (the service is stopped last, and must not
   * wait a second grace period for clients that read slowly or not at all).
   */
  private long remainingGraceMs() {
    long deadline = stopDeadlineMs;
    return deadline == 0
        ? config.server().shutdownGrace().toMillis()
        : Math.max(0, deadline - System.currentTimeMillis());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(Future<?> future, long timeoutMs, String what) {
    try {
      future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Could not {} cleanly: {}", what, e.toString());
    }
  }
}
