package dev.vxconnect.e2e.support;

import dev.vxconnect.e2e.support.coverage.CoverageInterceptor;
import dev.vxconnect.testkit.BreakingNetworkClient;
import org.apache.spark.sql.SparkSession;
import org.sparkproject.io.grpc.ClientInterceptor;

/** Sessions of the official Spark Connect JVM client (server run only). */
final class ClientSessions {

  private ClientSessions() {}

  /**
   * A new session; what it sends is recorded for docs/protocol-coverage.md, except in the
   * client-version matrix runs (their record would replace the main run's).
   */
  static SparkSession connect(String url) {
    var builder = org.apache.spark.sql.connect.SparkSession.builder().remote(url);
    if (!"false".equals(System.getProperty("vxconnect.e2e.recordCoverage"))) {
      builder.interceptor(new CoverageInterceptor());
    }
    return builder.create();
  }

  static String sessionId(SparkSession session) {
    return ((org.apache.spark.sql.connect.SparkSession) session).sessionId();
  }

  /**
   * A new session whose client also retries the gRPC client's "channel closed" failure. When a
   * connection breaks just as the client opens a new stream on it (it sends ReleaseExecute after
   * every response), grpc-java fails every stream of the connection with UNKNOWN "channel closed"
   * instead of UNAVAILABLE, and no Spark Connect client retries UNKNOWN. That race is the client's,
   * whatever the server; tests that break connections on purpose add this policy so that they test
   * the server's reattach, not the race. Users whose networks break can add it the same way.
   */
  static SparkSession connectRetryingClosedChannels(String url) {
    return connectRetryingClosedChannels(url, new CoverageInterceptor());
  }

  /** As {@link #connectRetryingClosedChannels(String)}, with this interceptor instead of coverage's. */
  static SparkSession connectRetryingClosedChannels(String url, ClientInterceptor interceptor) {
    return BreakingNetworkClient.connect(url, interceptor);
  }
}
