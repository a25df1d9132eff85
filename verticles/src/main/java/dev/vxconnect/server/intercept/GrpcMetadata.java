package dev.vxconnect.server.intercept;

import io.vertx.core.MultiMap;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.sparkproject.connect.grpc.Metadata;

/**
 * Between Vert.x's HTTP/2 headers and gRPC's {@link Metadata}, as grpc-java's transport converts
 * them: names lower case, pseudo-headers left out, {@code -bin} values base64 on the wire and bytes
 * in the metadata.
 */
final class GrpcMetadata {

  private GrpcMetadata() {}

  /** The request headers as an interceptor receives them. */
  static Metadata fromHeaders(MultiMap headers) {
    Metadata metadata = new Metadata();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(":")) {
        continue;
      }
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          metadata.put(
              Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
              Base64.getDecoder().decode(header.getValue().trim()));
        } else {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), header.getValue());
        }
      } catch (IllegalArgumentException malformed) {
        // grpc-java's transport drops what it cannot represent the same way.
      }
    }
    return metadata;
  }

  /** Adds {@code metadata} to response headers or trailers. */
  static void addTo(Metadata metadata, MultiMap target) {
    for (String name : metadata.keys()) {
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value :
            metadata.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
          target.add(name, Base64.getEncoder().withoutPadding().encodeToString(value));
        }
      } else {
        for (String value :
            metadata.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
          target.add(name, value);
        }
      }
    }
  }
}
