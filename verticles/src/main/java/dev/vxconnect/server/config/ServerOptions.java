package dev.vxconnect.server.config;

import java.time.Duration;
import java.util.List;

/** The gRPC front end: where it listens, what it accepts, how many event loops serve it. */
public record ServerOptions(
    int port,
    String host,
    long maxInboundMessageSize,
    int recursionLimit,
    int eventLoops,
    Duration shutdownGrace,
    Duration maxEventLoopExecuteTime,
    int maxConcurrentStreams,
    int maxConnections,
    Duration idleTimeout,
    boolean warmup,
    List<String> interceptorClasses) {

  public static ServerOptions from(Conf conf) {
    return new ServerOptions(
        conf.get(ConfigKeys.BINDING_PORT),
        conf.get(ConfigKeys.BINDING_ADDRESS),
        conf.get(ConfigKeys.MAX_INBOUND_MESSAGE_SIZE),
        conf.get(ConfigKeys.RECURSION_LIMIT),
        conf.get(ConfigKeys.EVENT_LOOPS).orElse(2 * Runtime.getRuntime().availableProcessors()),
        conf.get(ConfigKeys.SHUTDOWN_GRACE),
        conf.get(ConfigKeys.MAX_EVENT_LOOP_EXECUTE_TIME),
        conf.get(ConfigKeys.MAX_CONCURRENT_STREAMS),
        conf.get(ConfigKeys.MAX_CONNECTIONS),
        conf.get(ConfigKeys.IDLE_TIMEOUT),
        conf.get(ConfigKeys.WARMUP),
        conf.get(ConfigKeys.INTERCEPTOR_CLASSES).orElse(List.of()));
  }
}
