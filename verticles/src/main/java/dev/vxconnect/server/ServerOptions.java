package dev.vxconnect.server;

import java.time.Duration;
import java.util.Objects;

/** The gRPC front end: where it listens, what it accepts, how many event loops serve it. */
public class ServerOptions {

  /** {@code spark.connect.grpc.binding.port}. */
  public static final int DEFAULT_PORT = 15002;
  /** {@code spark.connect.grpc.binding.address}: Spark binds all interfaces. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** {@code spark.connect.grpc.maxInboundMessageSize}: 128 MiB. */
  public static final long DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 128L * 1024 * 1024;
  /** {@code spark.connect.grpc.marshallerRecursionLimit}. */
  public static final int DEFAULT_RECURSION_LIMIT = 1024;
  public static final int DEFAULT_EVENT_LOOPS = 2 * Runtime.getRuntime().availableProcessors();
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  /** Vert.x's blocked-thread checker warns when an event loop runs one task longer than this. */
  public static final Duration DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME = Duration.ofSeconds(2);
  /** No admin HTTP service unless a port is configured. */
  public static final int ADMIN_DISABLED = -1;
  /** HTTP/2 streams (calls) one connection may have open at once; Vert.x's and grpc-java's 100. */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  /** Connections served at once; beyond, new ones are closed as they arrive. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** A connection with no traffic for this long is closed; zero = never. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ZERO;
  public static final boolean DEFAULT_WARMUP = true;

  private int port;
  private String host;
  private long maxInboundMessageSize;
  private int recursionLimit;
  private int eventLoops;
  private Duration shutdownGrace;
  private Duration maxEventLoopExecuteTime;
  private int adminPort;
  private int maxConcurrentStreams;
  private int maxConnections;
  private Duration idleTimeout;
  private boolean warmup;

  public ServerOptions() {
    port = DEFAULT_PORT;
    host = DEFAULT_HOST;
    maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    recursionLimit = DEFAULT_RECURSION_LIMIT;
    eventLoops = DEFAULT_EVENT_LOOPS;
    shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    maxEventLoopExecuteTime = DEFAULT_MAX_EVENT_LOOP_EXECUTE_TIME;
    adminPort = ADMIN_DISABLED;
    maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    maxConnections = DEFAULT_MAX_CONNECTIONS;
    idleTimeout = DEFAULT_IDLE_TIMEOUT;
    warmup = DEFAULT_WARMUP;
  }

  public ServerOptions(ServerOptions other) {
    port = other.port;
    host = other.host;
    maxInboundMessageSize = other.maxInboundMessageSize;
    recursionLimit = other.recursionLimit;
    eventLoops = other.eventLoops;
    shutdownGrace = other.shutdownGrace;
    maxEventLoopExecuteTime = other.maxEventLoopExecuteTime;
    adminPort = other.adminPort;
    maxConcurrentStreams = other.maxConcurrentStreams;
    maxConnections = other.maxConnections;
    idleTimeout = other.idleTimeout;
    warmup = other.warmup;
  }

  public int getPort() {
    return port;
  }

  /** 0 picks a free port. */
  public ServerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    this.port = port;
    return this;
  }

  public String getHost() {
    return host;
  }

  public ServerOptions setHost(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public long getMaxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  public ServerOptions setMaxInboundMessageSize(long maxInboundMessageSize) {
    if (maxInboundMessageSize <= 0 || maxInboundMessageSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("maxInboundMessageSize must be in (0, 2^31)");
    }
    this.maxInboundMessageSize = maxInboundMessageSize;
    return this;
  }

  public int getRecursionLimit() {
    return recursionLimit;
  }

  public ServerOptions setRecursionLimit(int recursionLimit) {
    if (recursionLimit <= 0) {
      throw new IllegalArgumentException("recursionLimit must be > 0");
    }
    this.recursionLimit = recursionLimit;
    return this;
  }

  public int getEventLoops() {
    return eventLoops;
  }

  public ServerOptions setEventLoops(int eventLoops) {
    if (eventLoops <= 0) {
      throw new IllegalArgumentException("eventLoops must be > 0");
    }
    this.eventLoops = eventLoops;
    return this;
  }

  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  public ServerOptions setShutdownGrace(Duration shutdownGrace) {
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must be >= 0");
    }
    this.shutdownGrace = shutdownGrace;
    return this;
  }

  public Duration getMaxEventLoopExecuteTime() {
    return maxEventLoopExecuteTime;
  }

  public ServerOptions setMaxEventLoopExecuteTime(Duration maxEventLoopExecuteTime) {
    if (maxEventLoopExecuteTime.toMillis() <= 0) {
      throw new IllegalArgumentException("maxEventLoopExecuteTime must be >= 1ms");
    }
    this.maxEventLoopExecuteTime = maxEventLoopExecuteTime;
    return this;
  }

  /** The admin HTTP port, or {@link #ADMIN_DISABLED}. */
  public int getAdminPort() {
    return adminPort;
  }

  /** 0 picks a free port; {@link #ADMIN_DISABLED} turns the admin service off. */
  public ServerOptions setAdminPort(int adminPort) {
    if (adminPort < ADMIN_DISABLED || adminPort > 65535) {
      throw new IllegalArgumentException("admin port must be in [0, 65535]: " + adminPort);
    }
    this.adminPort = adminPort;
    return this;
  }

  public int getMaxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  public ServerOptions setMaxConcurrentStreams(int maxConcurrentStreams) {
    if (maxConcurrentStreams <= 0) {
      throw new IllegalArgumentException("maxConcurrentStreams must be > 0");
    }
    this.maxConcurrentStreams = maxConcurrentStreams;
    return this;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public ServerOptions setMaxConnections(int maxConnections) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be > 0");
    }
    this.maxConnections = maxConnections;
    return this;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public ServerOptions setIdleTimeout(Duration idleTimeout) {
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must be >= 0");
    }
    this.idleTimeout = idleTimeout;
    return this;
  }

  /** Whether a few plans run through a throwaway session before the instance serves. */
  public boolean isWarmup() {
    return warmup;
  }

  public ServerOptions setWarmup(boolean warmup) {
    this.warmup = warmup;
    return this;
  }

  @Override
  public String toString() {
    return "ServerOptions{host=" + host + ", port=" + port + ", maxInboundMessageSize="
        + maxInboundMessageSize + ", recursionLimit=" + recursionLimit + ", eventLoops="
        + eventLoops + ", shutdownGrace=" + shutdownGrace + ", maxEventLoopExecuteTime="
        + maxEventLoopExecuteTime + ", adminPort=" + adminPort + ", maxConcurrentStreams=" + maxConcurrentStreams
        + ", maxConnections=" + maxConnections + ", idleTimeout=" + idleTimeout + ", warmup=" + warmup + "}";
  }
}
