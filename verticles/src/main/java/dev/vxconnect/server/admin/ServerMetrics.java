package dev.vxconnect.server.admin;

import dev.vxconnect.cluster.Membership;
import dev.vxconnect.server.execution.ExecutionManager;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.rpc.CallGuard;
import dev.vxconnect.server.rpc.CallTracker;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.SessionManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * The metrics the admin port serves, in one Prometheus registry: Vert.x's own (the registry is
 * handed to Vert.x's Micrometer metrics), the JVM's, and ours: RPCs by method and gRPC status,
 * reattaches, live sessions, operations by state, result bytes buffered, operations refused by
 * admission, sessions taken over (failovers), calls forwarded to other instances. Gauges are read when scraped, from the session and execution managers.
 */
public final class ServerMetrics implements CallTracker.Observer {

  private static final String SERVICE_PREFIX = "/spark.connect.SparkConnectService/";
  private static final String HEALTH_PREFIX = "/grpc.health.v1.Health/";
  private static final Set<String> METHODS =
      Set.of(
          "ExecutePlan",
          "AnalyzePlan",
          "Config",
          "AddArtifacts",
          "ArtifactStatus",
          "Interrupt",
          "ReattachExecute",
          "ReleaseExecute",
          "ReleaseSession",
          "FetchErrorDetails",
          "CloneSession");
  private static final String[] STATUS_NAMES = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED"
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Timer> rpcTimers = new ConcurrentHashMap<>();

  /** Histogram buckets of RPC durations (for latency objectives such as "Config under 50 ms"). */
  private static final Duration[] LATENCY_BUCKETS =
      LongStream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
          .mapToObj(Duration::ofMillis)
          .toArray(Duration[]::new);

  private final Counter reattaches;

  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    reattaches =
        Counter.builder("vxconnect.reattaches")
            .description("ReattachExecute calls: a client resuming a result stream")
            .register(registry);
  }

  /** The registry, for Vert.x's Micrometer metrics. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Registers the gauges read from the managers and the cluster at each scrape. */
  public void bind(SessionManager sessions, ExecutionManager executions, Membership membership) {
    // Read at scrape time, on a worker (the scrape blocks): an operator, or a test, knows whether
    // an instance may be lost now without losing session or operation records.
    Gauge.builder("vxconnect.cluster.safe", membership, m -> m.isSafe() ? 1 : 0)
        .strongReference(true) // a lone instance's Membership is made for the caller
        .description(
            "1 when losing any one instance would lose no record (no partition migrating, every"
                + " backup in sync), else 0")
        .register(registry);
    Gauge.builder("vxconnect.sessions", sessions, s -> s.live().size())
        .description("Sessions live on this instance")
        .register(registry);
    for (Operation.State state : Operation.State.values()) {
      Gauge.builder(
              "vxconnect.operations",
              sessions,
              s ->
                  s.live().stream()
                      .flatMap(session -> session.operations().stream())
                      .filter(op -> op.state() == state)
                      .count())
          .description("Operations held by this instance's sessions, by state")
          .tag("state", state.name().toLowerCase())
          .register(registry);
    }
    FunctionCounter.builder("vxconnect.sessions.takeovers", sessions, SessionManager::takeovers)
        .description("Sessions taken over from another instance and rebuilt here (failovers)")
        .register(registry);
    FunctionCounter.builder(
            "vxconnect.sessions.hibernations", sessions, SessionManager::hibernations)
        .description("Idle sessions whose Spark side was released, their record kept")
        .register(registry);
    FunctionCounter.builder("vxconnect.sessions.wakes", sessions, SessionManager::wakes)
        .description("Hibernated sessions rebuilt from their record at their next call")
        .register(registry);
    Gauge.builder("vxconnect.operations.admitted", executions, ExecutionManager::activeCount)
        .description("Operations admitted and not yet finished running")
        .register(registry);
    Gauge.builder("vxconnect.results.buffered", executions, ExecutionManager::bufferedBytes)
        .baseUnit("bytes")
        .description("Result bytes held by all operations' buffers")
        .register(registry);
    for (String reason :
        new String[] {
          "draining", "session_operations", "buffered_bytes", "user_operations", "server_operations"
        }) {
      FunctionCounter.builder(
              "vxconnect.admission.refusals",
              executions,
              e -> e.refusals().getOrDefault(reason, 0L))
          .description("New operations refused (RESOURCE_EXHAUSTED or UNAVAILABLE), by reason")
          .tag("reason", reason)
          .register(registry);
    }
  }

  /**
   * Counts the calls forwarded to the instances that own their sessions, and the calls that came
   * with a forwarded header but no valid seal (served as client calls).
   */
  public void bind(Forwarder forwarder, CallGuard guard) {
    FunctionCounter.builder("vxconnect.forwarded.calls", forwarder, Forwarder::forwardedCalls)
        .description("Calls forwarded to the instance that owns their session")
        .register(registry);
    FunctionCounter.builder("vxconnect.forwarded.unsealed", guard, CallGuard::unsealedCalls)
        .description(
            "Calls that carried the forwarded header without a valid seal (served as client calls)")
        .register(registry);
  }

  @Override
  public void callEnded(String path, int grpcStatus, long nanos) {
    String method = method(path);
    String status =
        grpcStatus >= 0 && grpcStatus < STATUS_NAMES.length
            ? STATUS_NAMES[grpcStatus]
            : grpcStatus < 0 ? "NONE" : "OTHER";
    rpcTimers
        .computeIfAbsent(
            method + ' ' + status,
            k ->
                Timer.builder("vxconnect.rpc")
                    .description(
                        "gRPC calls served, by method and gRPC status (NONE: the stream was reset)")
                    .tag("method", method)
                    .tag("status", status)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (method.equals("ReattachExecute")) {
      reattaches.increment();
    }
  }

  /** A bounded label: a Spark Connect method, health.Check/Watch, or "unknown". */
  private static String method(String path) {
    if (path != null && path.startsWith(SERVICE_PREFIX)) {
      String name = path.substring(SERVICE_PREFIX.length());
      return METHODS.contains(name) ? name : "unknown";
    }
    if (path != null && path.startsWith(HEALTH_PREFIX)) {
      String name = path.substring(HEALTH_PREFIX.length());
      return name.equals("Check") || name.equals("Watch") ? "health." + name : "unknown";
    }
    return "unknown";
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
