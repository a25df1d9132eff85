package dev.vxconnect.server.call;

import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The {@code grpc-message} trailer, percent-encoded as grpc-java (Spark's server and the official
 * clients) encodes it: only the UTF-8 bytes outside ' ' to '}', and '%'. Vert.x's own encoding (for {@code
 * statusMessage}) is a URL encoder that turns every space and punctuation mark into three bytes:
 * with the ErrorInfo beside it, the trailers of a long Spark error (a streaming query's, which
 * holds its plan) grew past the 8 KiB of headers the official clients accept, and they saw
 * {@code RST_STREAM ... PROTOCOL_ERROR} instead of the error Spark's server sends them.
 */
public final class GrpcMessage {

  private static final String TRAILER = "grpc-message";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GrpcMessage() {}

  /** Sets the status message of {@code response}, which Vert.x then leaves as it is. */
  public static void set(GrpcServerResponse<?, ?> response, String message) {
    response.trailers().set(TRAILER, encode(message));
  }

  /** The trailer's value for {@code message}, for responses written without Vert.x gRPC. */
  public static String encode(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder encoded = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (c < ' ' || c >= '~' || c == '%') {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        encoded.append((char) c);
      }
    }
    return encoded.toString();
  }
}
