package dev.vxconnect.bench.floor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteResponse;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.ReleaseSessionResponse;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.sql.SparkSession;
import org.sparkproject.com.google.protobuf.Message;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.ManagedChannelBuilder;
import org.sparkproject.io.grpc.Server;
import org.sparkproject.io.grpc.netty.NettyServerBuilder;
import org.sparkproject.io.grpc.stub.StreamObserver;

/**
 * Records what a real server answers: a proxy on a loopback port of its own forwards every call
 * to the real server and keeps the answers, while the official client runs the {@link Programs}
 * through it once. What the floor replays is therefore exactly what the real server sent for
 * exactly the requests the official client makes.
 */
final class Recorder extends SparkConnectServiceGrpc.SparkConnectServiceImplBase {

  private final SparkConnectServiceGrpc.SparkConnectServiceStub real;
  private final Recording recording;

  private Recorder(ManagedChannel channel, Recording recording) {
    this.real = SparkConnectServiceGrpc.newStub(channel);
    this.recording = recording;
  }

  /** Runs the programs ({@code rows} rows for the range) against {@code host:port} through a proxy. */
  static Recording record(String host, int port, long rows) throws Exception {
    Recording recording = new Recording();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(host, port)
            .usePlaintext()
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .build();
    Server proxy =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .addService(new Recorder(channel, recording))
            .build()
            .start();
    try {
      String url = "sc://127.0.0.1:" + proxy.getPort();
      try (SparkSession spark = Programs.connect(url)) {
        Programs.selectOne(spark);
        Programs.selectOne(spark);
        Programs.Digest iterated = Programs.toLocalIterator(spark, rows);
        Programs.Digest collected = Programs.collect(spark, rows);
        if (iterated.rows() != rows || !iterated.equals(collected)) {
          throw new IllegalStateException(
              "recording: toLocalIterator gave " + iterated + ", collect " + collected);
        }
      }
      recording.freeze();
      return recording;
    } finally {
      proxy.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void executePlan(ExecutePlanRequest request, StreamObserver<ExecutePlanResponse> out) {
    recording.startExecution(request, request.getOperationId());
    real.executePlan(request, recorded(request.getOperationId(), out));
  }

  @Override
  public void reattachExecute(
      ReattachExecuteRequest request, StreamObserver<ExecutePlanResponse> out) {
    real.reattachExecute(request, recorded(request.getOperationId(), out));
  }

  @Override
  public void analyzePlan(AnalyzePlanRequest request, StreamObserver<AnalyzePlanResponse> out) {
    real.analyzePlan(request, unaryRecorded(request, out));
  }

  @Override
  public void config(ConfigRequest request, StreamObserver<ConfigResponse> out) {
    real.config(request, unaryRecorded(request, out));
  }

  @Override
  public void releaseExecute(
      ReleaseExecuteRequest request, StreamObserver<ReleaseExecuteResponse> out) {
    real.releaseExecute(request, out);
  }

  @Override
  public void releaseSession(
      ReleaseSessionRequest request, StreamObserver<ReleaseSessionResponse> out) {
    real.releaseSession(request, out);
  }

  private StreamObserver<ExecutePlanResponse> recorded(
      String operationId, StreamObserver<ExecutePlanResponse> out) {
    return tee(response -> recording.executeResponse(operationId, response), out);
  }

  private <Q extends Message, R extends Message> StreamObserver<R> unaryRecorded(
      Q request, StreamObserver<R> out) {
    return tee(response -> recording.unaryResponse(request, response), out);
  }

  /** Passes every response on to {@code out}, each recorded first. */
  private static <R> StreamObserver<R> tee(Consumer<R> record, StreamObserver<R> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(R response) {
        record.accept(response);
        out.onNext(response);
      }

      @Override
      public void onError(Throwable t) {
        out.onError(t);
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }
}
