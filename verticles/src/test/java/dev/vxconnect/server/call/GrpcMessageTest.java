package dev.vxconnect.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.grpc.InternalMetadata;
import org.sparkproject.connect.grpc.InternalStatus;
import org.sparkproject.connect.grpc.Metadata;

/**
 * The grpc-message trailer is encoded byte for byte as grpc-java (Spark's server and the official
 * clients) encodes it, and grpc-java decodes it back to the message.
 */
class GrpcMessageTest {

  private static final List<String> MESSAGES =
      List.of(
          "",
          "plain",
          "[TABLE_OR_VIEW_NOT_FOUND] The table `t` cannot be found. SQLSTATE: 42P01",
          "100% done\nnext line\ttab",
          "(a = b) ".repeat(1000),
          "unicode: naïve – 数据 😀",
          "control \u0000\u001f\u007f and ~*+ kept");

  @Test
  void encodesEachMessageAsGrpcJavaDoes() {
    for (String message : MESSAGES) {
      assertThat(GrpcMessage.encode(message)).as(message).isEqualTo(grpcJava(message));
    }
  }

  @Test
  void grpcJavaDecodesEachMessageBack() {
    for (String message : MESSAGES) {
      Metadata received =
          InternalMetadata.newMetadata(
              "grpc-message".getBytes(StandardCharsets.US_ASCII),
              GrpcMessage.encode(message).getBytes(StandardCharsets.US_ASCII));
      assertThat(received.get(InternalStatus.MESSAGE_KEY)).isEqualTo(message);
    }
  }

  @Test
  void spacesAndPunctuationAreSentAsTheyAre() {
    String message = "(a = b) ".repeat(1000);
    assertThat(GrpcMessage.encode(message)).hasSameSizeAs(message);
  }

  private static String grpcJava(String message) {
    Metadata metadata = new Metadata();
    metadata.put(InternalStatus.MESSAGE_KEY, message);
    byte[][] serialized = InternalMetadata.serialize(metadata);
    return new String(serialized[1], StandardCharsets.US_ASCII);
  }
}
