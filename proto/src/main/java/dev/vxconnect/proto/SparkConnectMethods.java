package dev.vxconnect.proto;

import dev.vxconnect.proto.codec.SparkMessageCodec;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsResponse;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.ArtifactStatusesRequest;
import org.apache.spark.connect.proto.ArtifactStatusesResponse;
import org.apache.spark.connect.proto.CloneSessionRequest;
import org.apache.spark.connect.proto.CloneSessionResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.FetchErrorDetailsRequest;
import org.apache.spark.connect.proto.FetchErrorDetailsResponse;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.InterruptResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteResponse;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.ReleaseSessionResponse;
import org.sparkproject.connect.protobuf.MessageLite;
import org.sparkproject.connect.protobuf.Parser;

/**
 * The method table of {@code spark.connect.SparkConnectService}: the 11 RPCs of the Spark Connect
 * protocol, each with codecs over Spark's message classes. This replaces generated grpc-java stubs.
 */
public final class SparkConnectMethods {

  public static final ServiceName SERVICE = ServiceName.create("spark.connect.SparkConnectService");

  /** Spark's default for {@code spark.connect.grpc.marshallerRecursionLimit}. */
  public static final int DEFAULT_RECURSION_LIMIT = 1024;

  public final Method<ExecutePlanRequest, ExecutePlanResponse> executePlan;
  public final Method<AnalyzePlanRequest, AnalyzePlanResponse> analyzePlan;
  public final Method<ConfigRequest, ConfigResponse> config;
  public final Method<AddArtifactsRequest, AddArtifactsResponse> addArtifacts;
  public final Method<ArtifactStatusesRequest, ArtifactStatusesResponse> artifactStatus;
  public final Method<InterruptRequest, InterruptResponse> interrupt;
  public final Method<ReattachExecuteRequest, ExecutePlanResponse> reattachExecute;
  public final Method<ReleaseExecuteRequest, ReleaseExecuteResponse> releaseExecute;
  public final Method<ReleaseSessionRequest, ReleaseSessionResponse> releaseSession;
  public final Method<FetchErrorDetailsRequest, FetchErrorDetailsResponse> fetchErrorDetails;
  public final Method<CloneSessionRequest, CloneSessionResponse> cloneSession;

  /**
   * One RPC: its name, its kind, its codecs on the server side and on the client side (to forward
   * a call to the instance that owns its session), and what its request says about its session.
   */
  public record Method<Req, Resp>(
      String name,
      MethodKind kind,
      ServiceMethod<Req, Resp> server,
      ServiceMethod<Resp, Req> client,
      Function<Req, SessionIds> ids) {}

  public SparkConnectMethods() {
    this(DEFAULT_RECURSION_LIMIT);
  }

  /** @param recursionLimit the deepest message nesting a request may have */
  public SparkConnectMethods(int recursionLimit) {
    if (recursionLimit <= 0) {
      throw new IllegalArgumentException("recursionLimit must be > 0");
    }
    int limit = recursionLimit;
    executePlan =
        method(
            "ExecutePlan",
            MethodKind.SERVER_STREAMING,
            ExecutePlanRequest.parser(),
            ExecutePlanResponse.parser(),
            limit,
            SessionFields.withObserved(ExecutePlanRequest.getDescriptor()));
    analyzePlan =
        method(
            "AnalyzePlan",
            MethodKind.UNARY,
            AnalyzePlanRequest.parser(),
            AnalyzePlanResponse.parser(),
            limit,
            SessionFields.withObserved(AnalyzePlanRequest.getDescriptor()));
    config =
        method(
            "Config",
            MethodKind.UNARY,
            ConfigRequest.parser(),
            ConfigResponse.parser(),
            limit,
            SessionFields.withObserved(ConfigRequest.getDescriptor()));
    addArtifacts =
        method(
            "AddArtifacts",
            MethodKind.CLIENT_STREAMING,
            AddArtifactsRequest.parser(),
            AddArtifactsResponse.parser(),
            limit,
            SessionFields.withObserved(AddArtifactsRequest.getDescriptor()));
    artifactStatus =
        method(
            "ArtifactStatus",
            MethodKind.UNARY,
            ArtifactStatusesRequest.parser(),
            ArtifactStatusesResponse.parser(),
            limit,
            SessionFields.withObserved(ArtifactStatusesRequest.getDescriptor()));
    interrupt =
        method(
            "Interrupt",
            MethodKind.UNARY,
            InterruptRequest.parser(),
            InterruptResponse.parser(),
            limit,
            SessionFields.withObserved(InterruptRequest.getDescriptor()));
    reattachExecute =
        method(
            "ReattachExecute",
            MethodKind.SERVER_STREAMING,
            ReattachExecuteRequest.parser(),
            ExecutePlanResponse.parser(),
            limit,
            SessionFields.withObserved(ReattachExecuteRequest.getDescriptor()));
    // As Spark's server: the server-side session id a release observed is not checked.
    releaseExecute =
        method(
            "ReleaseExecute",
            MethodKind.UNARY,
            ReleaseExecuteRequest.parser(),
            ReleaseExecuteResponse.parser(),
            limit,
            SessionFields.withoutObserved(ReleaseExecuteRequest.getDescriptor()));
    releaseSession =
        method(
            "ReleaseSession",
            MethodKind.UNARY,
            ReleaseSessionRequest.parser(),
            ReleaseSessionResponse.parser(),
            limit,
            SessionFields.withoutObserved(ReleaseSessionRequest.getDescriptor()));
    fetchErrorDetails =
        method(
            "FetchErrorDetails",
            MethodKind.UNARY,
            FetchErrorDetailsRequest.parser(),
            FetchErrorDetailsResponse.parser(),
            limit,
            SessionFields.withObserved(FetchErrorDetailsRequest.getDescriptor()));
    cloneSession =
        method(
            "CloneSession",
            MethodKind.UNARY,
            CloneSessionRequest.parser(),
            CloneSessionResponse.parser(),
            limit,
            SessionFields.withObserved(CloneSessionRequest.getDescriptor()));
  }

  /** Every method, in the order of the service definition. */
  public List<Method<?, ?>> all() {
    return List.of(
        executePlan,
        analyzePlan,
        config,
        addArtifacts,
        artifactStatus,
        interrupt,
        reattachExecute,
        releaseExecute,
        releaseSession,
        fetchErrorDetails,
        cloneSession);
  }

  private static <Req extends MessageLite, Resp extends MessageLite> Method<Req, Resp> method(
      String name,
      MethodKind kind,
      Parser<Req> requests,
      Parser<Resp> responses,
      int recursionLimit,
      Function<Req, SessionIds> ids) {
    ServiceMethod<Req, Resp> server =
        ServiceMethod.server(
            SERVICE,
            name,
            SparkMessageCodec.encoder(),
            SparkMessageCodec.decoder(requests, recursionLimit));
    ServiceMethod<Resp, Req> client =
        ServiceMethod.client(
            SERVICE,
            name,
            SparkMessageCodec.encoder(),
            SparkMessageCodec.decoder(responses, recursionLimit));
    return new Method<>(name, kind, server, client, ids);
  }
}
