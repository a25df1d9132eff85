package dev.vxconnect.e2e.limits;

import dev.vxconnect.e2e.support.RawGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.client.RetryPolicy;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.sparkproject.io.grpc.CallOptions;
import org.sparkproject.io.grpc.Channel;
import org.sparkproject.io.grpc.ClientCall;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.ForwardingClientCall;
import org.sparkproject.io.grpc.ForwardingClientCallListener;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.MethodDescriptor;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.protobuf.StatusProto;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The last call an official client saw fail, with its trailers: the client turns a refusal into a
 * SparkException that keeps the status text but drops the details, so the RetryInfo the server
 * sent is read here, as the client's own retry policy reads it.
 */
final class Refusals implements ClientInterceptor {

  /** A failed call: its status and trailers. */
  record Refusal(Status status, Metadata trailers) {

    Status.Code code() {
      return status.getCode();
    }

    String description() {
      return String.valueOf(status.getDescription());
    }

    /** The back-off the server suggested (google.rpc.RetryInfo), if any. */
    Optional<Duration> retryDelay() {
      return RawGrpc.retryDelay(StatusProto.fromStatusAndTrailers(status, trailers));
    }
  }

  /**
   * An official client that does not retry: with its default policy it would retry a refusal
   * that carries a RetryInfo, or UNAVAILABLE, for minutes instead of showing it.
   */
  static SparkSession noRetries(String url, Refusals refusals) {
    SparkConnectClient client =
        SparkConnectClient.builder()
            .connectionString(url)
            .retryPolicy(CollectionConverters.asScala(new ArrayList<RetryPolicy>()).toList())
            .interceptor(refusals)
            .build();
    return org.apache.spark.sql.connect.SparkSession.builder().client(client).create();
  }

  /** An official client with its default retry policy, whose refused calls are recorded. */
  static SparkSession retrying(String url, Refusals refusals) {
    SparkConnectClient client =
        SparkConnectClient.builder().connectionString(url).interceptor(refusals).build();
    return org.apache.spark.sql.connect.SparkSession.builder().client(client).create();
  }

  private final AtomicReference<Refusal> last = new AtomicReference<>();

  /** The last failed call, or empty. */
  Optional<Refusal> last() {
    return Optional.ofNullable(last.get());
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> interceptCall(
      MethodDescriptor<Req, Resp> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<Resp> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (!status.isOk()) {
                  last.set(new Refusal(status, trailers));
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
