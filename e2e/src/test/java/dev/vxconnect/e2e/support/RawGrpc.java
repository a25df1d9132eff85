package dev.vxconnect.e2e.support;

import dev.vxconnect.e2e.support.coverage.CoverageInterceptor;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsResponse;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.ReattachOptions;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ResultChunkingOptions;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.SqlCommand;
import org.apache.spark.connect.proto.UserContext;
import org.assertj.core.api.Assertions;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.com.google.protobuf.InvalidProtocolBufferException;
import org.sparkproject.com.google.protobuf.Message;
import org.sparkproject.com.google.rpc.ErrorInfo;
import org.sparkproject.com.google.rpc.RetryInfo;
import org.sparkproject.com.google.rpc.Status;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.ManagedChannelBuilder;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.protobuf.StatusProto;
import org.sparkproject.io.grpc.stub.StreamObserver;

/**
 * Speaks the protocol directly, for what the official client cannot be made to send (foreign
 * session ids, unknown operations, released sessions...). Uses the gRPC stubs and message classes
 * bundled (relocated) in the official client jar.
 */
public final class RawGrpc implements AutoCloseable {

  private final ManagedChannel channel;

  public RawGrpc(int port) {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .intercept(new CoverageInterceptor())
            .maxInboundMessageSize(128 * 1024 * 1024)
            .build();
  }

  public SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub() {
    return SparkConnectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A stub whose calls may take up to {@code deadlineMillis} (long results). */
  public SparkConnectServiceGrpc.SparkConnectServiceBlockingStub channelStub(long deadlineMillis) {
    return SparkConnectServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public static UserContext user(String userId) {
    return UserContext.newBuilder().setUserId(userId).setUserName(userId).build();
  }

  public static String newSessionId() {
    return UUID.randomUUID().toString();
  }

  /** A plan whose root is this SQL query (as {@code spark.sql(query)} sends a query). */
  public static Plan sqlQuery(String query) {
    return Plan.newBuilder()
        .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query)))
        .build();
  }

  /** A plan that runs this SQL statement as a command (as the client sends DDL and SET). */
  public static Plan sqlCommand(String statement) {
    return Plan.newBuilder()
        .setCommand(
            Command.newBuilder()
                .setSqlCommand(
                    SqlCommand.newBuilder()
                        .setInput(
                            Relation.newBuilder().setSql(SQL.newBuilder().setQuery(statement)))))
        .build();
  }

  /** An ExecutePlan request of this session and user for this plan, under a new operation id. */
  public static ExecutePlanRequest.Builder execute(String sessionId, UserContext user, Plan plan) {
    return ExecutePlanRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user)
        .setOperationId(UUID.randomUUID().toString())
        .setPlan(plan);
  }

  /** A Config request reading every setting of this session of {@code user} (opens it if new). */
  public static ConfigRequest configGetAll(String sessionId, String user) {
    return ConfigRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user(user))
        .setOperation(
            ConfigRequest.Operation.newBuilder()
                .setGetAll(ConfigRequest.GetAll.getDefaultInstance()))
        .build();
  }

  /** A Config request that reads one setting of the session. */
  public static ConfigRequest configGet(String sessionId, UserContext user, String key) {
    return ConfigRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user)
        .setOperation(
            ConfigRequest.Operation.newBuilder()
                .setGet(ConfigRequest.Get.newBuilder().addKeys(key)))
        .build();
  }

  /** A ReattachExecute request for this operation, from its first response on unless told. */
  public static ReattachExecuteRequest.Builder reattach(
      String sessionId, UserContext user, String operationId) {
    return ReattachExecuteRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user)
        .setOperationId(operationId);
  }

  /** A ReleaseExecute request that releases all of this operation's responses (and it). */
  public static ReleaseExecuteRequest releaseAll(
      String sessionId, UserContext user, String operationId) {
    return ReleaseExecuteRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user)
        .setOperationId(operationId)
        .setReleaseAll(ReleaseExecuteRequest.ReleaseAll.newBuilder())
        .build();
  }

  /** An AddArtifacts request that uploads one artifact in a single chunk. */
  public static AddArtifactsRequest addArtifact(
      String sessionId, UserContext user, String name, byte[] data) {
    return AddArtifactsRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(user)
        .setBatch(
            AddArtifactsRequest.Batch.newBuilder()
                .addArtifacts(
                    AddArtifactsRequest.SingleChunkArtifact.newBuilder()
                        .setName(name)
                        .setData(artifactChunk(data))))
        .build();
  }

  /**
   * Sends {@code requests} as one AddArtifacts stream over {@code stub} (which may carry
   * credentials) and completes with the server's answer, or exceptionally with its failure.
   */
  public static CompletableFuture<AddArtifactsResponse> upload(
      SparkConnectServiceGrpc.SparkConnectServiceStub stub, AddArtifactsRequest... requests)
      throws InterruptedException {
    return upload(stub, Duration.ZERO, requests);
  }

  /** As {@link #upload}, waiting {@code pause} (in this thread) before each request but the first. */
  public static CompletableFuture<AddArtifactsResponse> upload(
      SparkConnectServiceGrpc.SparkConnectServiceStub stub,
      Duration pause,
      AddArtifactsRequest... requests)
      throws InterruptedException {
    CompletableFuture<AddArtifactsResponse> answer = new CompletableFuture<>();
    StreamObserver<AddArtifactsRequest> stream =
        stub.addArtifacts(
            new StreamObserver<>() {
              @Override
              public void onNext(AddArtifactsResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    for (int i = 0; i < requests.length; i++) {
      if (i > 0) {
        Thread.sleep(pause.toMillis());
      }
      stream.onNext(requests[i]);
    }
    stream.onCompleted();
    return answer;
  }

  /** A chunk of artifact data with the CRC the server checks it against. */
  public static AddArtifactsRequest.ArtifactChunk artifactChunk(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return AddArtifactsRequest.ArtifactChunk.newBuilder()
        .setData(ByteString.copyFrom(data))
        .setCrc(crc.getValue())
        .build();
  }

  /** The request option that makes an execution reattachable (or explicitly not). */
  public static ExecutePlanRequest.RequestOption reattachable(boolean reattachable) {
    return ExecutePlanRequest.RequestOption.newBuilder()
        .setReattachOptions(ReattachOptions.newBuilder().setReattachable(reattachable))
        .build();
  }

  /** The request option that lets the server split Arrow batches into chunks of about this size. */
  public static ExecutePlanRequest.RequestOption arrowChunks(long bytes) {
    return ExecutePlanRequest.RequestOption.newBuilder()
        .setResultChunkingOptions(
            ResultChunkingOptions.newBuilder()
                .setAllowArrowBatchChunking(true)
                .setPreferredArrowChunkSize(bytes))
        .build();
  }

  /** How {@code call} was refused; fails the test if it was not. */
  public static StatusRuntimeException refusal(Runnable call) {
    StatusRuntimeException failure =
        Assertions.catchThrowableOfType(StatusRuntimeException.class, call::run);
    Assertions.assertThat(failure).as("the call was refused").isNotNull();
    return failure;
  }

  /** A failure and its causes, one per line: what a refusal says may be in any of them. */
  public static String fullText(Throwable t) {
    StringBuilder text = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      text.append(c).append('\n');
    }
    return text.toString();
  }

  /** The Spark error class the server put in the failure's ErrorInfo, if any. */
  public static Optional<String> errorClass(StatusRuntimeException failure) {
    return errorInfo(failure).map(info -> info.getMetadataOrDefault("errorClass", null));
  }

  public static Optional<ErrorInfo> errorInfo(StatusRuntimeException failure) {
    return Optional.ofNullable(StatusProto.fromThrowable(failure))
        .flatMap(status -> detail(status, ErrorInfo.class));
  }

  /** The back-off the server suggested with the failure (google.rpc.RetryInfo), if any. */
  public static Optional<Duration> retryDelay(StatusRuntimeException failure) {
    return Optional.ofNullable(StatusProto.fromThrowable(failure)).flatMap(RawGrpc::retryDelay);
  }

  /** The back-off a failure's google.rpc.Status suggests (its RetryInfo), if any. */
  public static Optional<Duration> retryDelay(Status status) {
    return detail(status, RetryInfo.class)
        .map(RetryInfo::getRetryDelay)
        .map(delay -> Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
  }

  /** The first detail of this type in a failure's google.rpc.Status, if any. */
  public static <T extends Message> Optional<T> detail(Status status, Class<T> type) {
    return status.getDetailsList().stream()
        .filter(any -> any.is(type))
        .findFirst()
        .map(
            any -> {
              try {
                return any.unpack(type);
              } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /**
   * How executing {@code plan} failed, read to the end as a client does; null if it did not fail.
   */
  public StatusRuntimeException executionFailure(String sessionId, UserContext user, Plan plan) {
    return Assertions.catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            stub()
                .executePlan(
                    ExecutePlanRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setUserContext(user)
                        .setPlan(plan)
                        .build())
                .forEachRemaining(r -> {}));
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
