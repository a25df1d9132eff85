package dev.vxconnect.e2e.support;

import dev.vxconnect.e2e.support.coverage.CoverageInterceptor;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.client.RetryPolicy;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.CollectionConverters;

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
    RetryPolicy closedChannel = RetryPolicy.apply(Option.apply(10),
        FiniteDuration.apply(50, TimeUnit.MILLISECONDS),
        Option.apply(FiniteDuration.apply(2, TimeUnit.SECONDS)), 2.0,
        RetryPolicy.apply$default$5(), RetryPolicy.apply$default$6(),
        ClientSessions::isClosedChannel, "closed-channel",
        RetryPolicy.apply$default$9(), RetryPolicy.apply$default$10());
    SparkConnectClient client = SparkConnectClient.builder().connectionString(url)
        .interceptor(new CoverageInterceptor())
        .retryPolicy(withDefaults(closedChannel))
        .build();
    return org.apache.spark.sql.connect.SparkSession.builder().client(client).create();
  }

  private static scala.collection.immutable.Seq<RetryPolicy> withDefaults(RetryPolicy extra) {
    java.util.List<RetryPolicy> policies =
        new java.util.ArrayList<>(CollectionConverters.asJava(RetryPolicy.defaultPolicies()));
    policies.add(extra);
    return CollectionConverters.asScala(policies).toList();
  }

  private static Object isClosedChannel(Throwable e) {
    return e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNKNOWN
        && "channel closed".equals(s.getStatus().getDescription());
  }
}
