package dev.vxconnect.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.client.RetryPolicy;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sessions of the official client for tests and benchmarks that break connections on purpose
 * (killed instances, a proxy that cuts streams). When a connection breaks just as the client opens
 * a new stream on it (it sends ReleaseExecute after every response), grpc-java fails every stream
 * of the connection with UNKNOWN "channel closed" instead of UNAVAILABLE, and no Spark Connect
 * client retries UNKNOWN: a race of the client's, whatever the server. These sessions retry it too,
 * besides the client's default policies, so that what is measured is the server's reattach, not the
 * race. Users whose networks break can add the same policy.
 */
public final class BreakingNetworkClient {

  private BreakingNetworkClient() {}

  /** A session on {@code url} whose calls go through {@code interceptor}. */
  public static SparkSession connect(String url, ClientInterceptor interceptor) {
    RetryPolicy closedChannel =
        RetryPolicy.apply(
            Option.apply(10),
            FiniteDuration.apply(50, TimeUnit.MILLISECONDS),
            Option.apply(FiniteDuration.apply(2, TimeUnit.SECONDS)),
            2.0,
            RetryPolicy.apply$default$5(),
            RetryPolicy.apply$default$6(),
            BreakingNetworkClient::isClosedChannel,
            "closed-channel",
            RetryPolicy.apply$default$9(),
            RetryPolicy.apply$default$10());
    List<RetryPolicy> policies =
        new ArrayList<>(CollectionConverters.asJava(RetryPolicy.defaultPolicies()));
    policies.add(closedChannel);
    SparkConnectClient client =
        SparkConnectClient.builder()
            .connectionString(url)
            .interceptor(interceptor)
            .retryPolicy(CollectionConverters.asScala(policies).toList())
            .build();
    return org.apache.spark.sql.connect.SparkSession.builder().client(client).create();
  }

  private static Object isClosedChannel(Throwable e) {
    return e instanceof StatusRuntimeException s
        && s.getStatus().getCode() == Status.Code.UNKNOWN
        && "channel closed".equals(s.getStatus().getDescription());
  }
}
