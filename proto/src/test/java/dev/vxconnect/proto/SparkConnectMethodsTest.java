package dev.vxconnect.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.proto.codec.SparkMessageCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.WireFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.connect.proto.Base;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Filter;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.protobuf.Descriptors.MethodDescriptor;
import org.sparkproject.connect.protobuf.Descriptors.ServiceDescriptor;
import org.sparkproject.connect.protobuf.DynamicMessage;
import org.sparkproject.connect.protobuf.Message;

class SparkConnectMethodsTest {

  private static final ServiceDescriptor SERVICE =
      Base.getDescriptor().findServiceByName("SparkConnectService");

  private final SparkConnectMethods methods = new SparkConnectMethods();

  @Test
  void tableHasTheRpcsOfTheBundledProtocolInItsOrder() {
    assertThat(SERVICE).isNotNull();
    assertThat(SERVICE.getFullName()).isEqualTo(SparkConnectMethods.SERVICE.fullyQualifiedName());
    List<String> declared = SERVICE.getMethods().stream().map(MethodDescriptor::getName).toList();

    assertThat(declared).hasSize(11);
    assertThat(methods.all())
        .extracting(SparkConnectMethods.Method::name)
        .containsExactlyElementsOf(declared);
  }

  @Test
  void streamingKindsMatchTheServiceDefinition() {
    for (SparkConnectMethods.Method<?, ?> method : methods.all()) {
      MethodDescriptor declared = SERVICE.findMethodByName(method.name());
      MethodKind expected =
          declared.isClientStreaming()
              ? MethodKind.CLIENT_STREAMING
              : declared.isServerStreaming() ? MethodKind.SERVER_STREAMING : MethodKind.UNARY;
      assertThat(declared.isClientStreaming() && declared.isServerStreaming())
          .as("no bidirectional RPC in the protocol")
          .isFalse();
      assertThat(method.kind()).as(method.name()).isEqualTo(expected);
    }
  }

  @Test
  void eachMethodIsRoutedAndDecodesItsDeclaredRequestType() throws Exception {
    for (SparkConnectMethods.Method<?, ?> method : methods.all()) {
      MethodDescriptor declared = SERVICE.findMethodByName(method.name());
      assertThat(method.server().serviceName().fullyQualifiedName())
          .isEqualTo(SERVICE.getFullName());
      assertThat(method.server().methodName()).isEqualTo(method.name());

      // An empty payload is a valid message of any type: the decoder says which type it parses.
      Object decoded =
          method.server().decoder().decode(GrpcMessage.message("identity", Buffer.buffer()));
      assertThat(((Message) decoded).getDescriptorForType().getFullName())
          .as(method.name() + " request type")
          .isEqualTo(declared.getInputType().getFullName());
    }
  }

  @Test
  void codecRoundTrip() throws Exception {
    ExecutePlanRequest request =
        ExecutePlanRequest.newBuilder()
            .setSessionId("6a8f5e4c-0d1b-4e57-9a53-0b6c2d1e7f10")
            .setUserContext(UserContext.newBuilder().setUserId("alice"))
            .setOperationId("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
            .setPlan(Plan.newBuilder().setRoot(nested(20)))
            .build();
    // The client's side: the request goes out through an encoder of the same kind.
    GrpcMessage wire =
        SparkMessageCodec.<ExecutePlanRequest>encoder().encode(request, WireFormat.PROTOBUF);

    ExecutePlanRequest decoded = methods.executePlan.server().decoder().decode(wire);

    assertThat(decoded).isEqualTo(request);
    assertThat(wire.payload().getBytes()).isEqualTo(request.toByteArray());

    ExecutePlanResponse response =
        ExecutePlanResponse.newBuilder()
            .setOperationId(request.getOperationId())
            .setResponseId("0e4b2d6a-1f3c-8d5e-9a7b-000000000001")
            .setResultComplete(ExecutePlanResponse.ResultComplete.getDefaultInstance())
            .build();
    GrpcMessage sent = methods.executePlan.server().encoder().encode(response, WireFormat.PROTOBUF);
    assertThat(ExecutePlanResponse.parseFrom(sent.payload().getBytes())).isEqualTo(response);
  }

  @Test
  void planNestedDeeperThanTheRecursionLimitIsRejected() throws Exception {
    // Each Filter adds two levels (Relation, Filter) under ExecutePlanRequest and Plan.
    GrpcMessageDecoder<ExecutePlanRequest> decoder =
        new SparkConnectMethods(50).executePlan.server().decoder();
    byte[] shallow = request(20).toByteArray();
    byte[] deep = request(30).toByteArray();

    assertThat(
            decoder
                .decode(GrpcMessage.message("identity", Buffer.buffer(shallow)))
                .getPlan()
                .getRoot()
                .hasFilter())
        .isTrue();
    assertThatThrownBy(() -> decoder.decode(GrpcMessage.message("identity", Buffer.buffer(deep))))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("nested more than 50 levels deep")
        .hasMessageContaining("spark.connect.grpc.marshallerRecursionLimit");
  }

  @Test
  void defaultRecursionLimitIsSparks() throws Exception {
    GrpcMessageDecoder<ExecutePlanRequest> decoder = methods.executePlan.server().decoder();

    assertThat(
            decoder.decode(
                GrpcMessage.message("identity", Buffer.buffer(request(500).toByteArray()))))
        .isNotNull();
    assertThatThrownBy(
            () ->
                decoder.decode(
                    GrpcMessage.message("identity", Buffer.buffer(request(520).toByteArray()))))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void nonProtobufPayloadIsRejected() {
    GrpcMessageDecoder<ExecutePlanRequest> decoder = methods.executePlan.server().decoder();
    // 0x0f: field 1 with wire type 7, which does not exist.
    byte[] invalidTag = {0x0f, 0x01, 0x02};
    byte[] truncated = Arrays.copyOf(request(3).toByteArray(), 12);

    assertThatThrownBy(
            () -> decoder.decode(GrpcMessage.message("identity", Buffer.buffer(invalidTag))))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(
            () -> decoder.decode(GrpcMessage.message("identity", Buffer.buffer(truncated))))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(
            () ->
                decoder.decode(
                    GrpcMessage.message(
                        "identity", WireFormat.JSON, Buffer.buffer("{\"sessionId\":\"x\"}"))))
        .isInstanceOf(CodecException.class);
    assertThat(decoder.accepts(WireFormat.JSON)).isFalse();
    assertThat(decoder.accepts(WireFormat.PROTOBUF)).isTrue();
  }

  @Test
  void recursionLimitMustBePositive() {
    assertThatThrownBy(() -> new SparkConnectMethods(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ExecutePlanRequest request(int filters) {
    return ExecutePlanRequest.newBuilder()
        .setSessionId("6a8f5e4c-0d1b-4e57-9a53-0b6c2d1e7f10")
        .setPlan(Plan.newBuilder().setRoot(nested(filters)))
        .build();
  }

  /** {@code filters} Filters over a Range. */
  private static Relation nested(int filters) {
    Relation relation = Relation.newBuilder().setRange(Range.newBuilder().setEnd(10)).build();
    Expression condition =
        Expression.newBuilder()
            .setLiteral(Expression.Literal.newBuilder().setBoolean(true))
            .build();
    for (int i = 0; i < filters; i++) {
      relation =
          Relation.newBuilder()
              .setFilter(Filter.newBuilder().setInput(relation).setCondition(condition))
              .build();
    }
    return relation;
  }

  @Test
  void eachMethodSaysWhichSessionItsRequestIsFor() throws Exception {
    for (SparkConnectMethods.Method<?, ?> method : methods.all()) {
      SessionIds ids = idsOf(method);
      assertThat(ids.userId()).as(method.name()).isEqualTo("alice");
      assertThat(ids.sessionId()).as(method.name()).isEqualTo("s-1");
      boolean release = method.name().startsWith("Release");
      assertThat(ids.observedServerSideSessionId())
          .as(method.name())
          .isEqualTo(release ? Optional.empty() : Optional.of("server-1"));
    }
  }

  @Test
  void aRequestTypeWithoutTheSessionFieldsIsRefusedWhenTheTableIsMade() {
    assertThatThrownBy(() -> SessionFields.withObserved(Range.getDescriptor()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.connect.Range has no field");
  }

  /** A request of {@code method}'s type with user alice, session s-1, observed server-side id server-1. */
  private static <Req> SessionIds idsOf(SparkConnectMethods.Method<Req, ?> method)
      throws Exception {
    MethodDescriptor rpc = SERVICE.findMethodByName(method.name());
    var type = rpc.getInputType();
    var request =
        DynamicMessage.newBuilder(type)
            .setField(
                type.findFieldByName("user_context"),
                UserContext.newBuilder().setUserId("alice").build())
            .setField(type.findFieldByName("session_id"), "s-1");
    var observed = type.findFieldByName("client_observed_server_side_session_id");
    if (observed != null) {
      request.setField(observed, "server-1");
    }
    Req decoded =
        method
            .server()
            .decoder()
            .decode(GrpcMessage.message("identity", Buffer.buffer(request.build().toByteArray())));
    return method.ids().apply(decoded);
  }
}
