package dev.vxconnect.proto.codec;

import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.WireFormat;
import java.io.IOException;
import org.sparkproject.connect.protobuf.CodedInputStream;
import org.sparkproject.connect.protobuf.MessageLite;
import org.sparkproject.connect.protobuf.Parser;

/**
 * Vert.x gRPC codecs over Spark Connect's message classes. Those classes are compiled against the
 * protobuf that Spark relocates to {@code org.sparkproject.connect.protobuf}, so Vert.x's own
 * protobuf codecs (built on com.google.protobuf) cannot handle them.
 */
public final class SparkMessageCodec {

  private SparkMessageCodec() {}

  /**
   * A decoder that parses the binary wire format with a bounded nesting depth, so a deeply nested
   * plan is refused with a parse error instead of a stack overflow.
   */
  public static <T extends MessageLite> GrpcMessageDecoder<T> decoder(
      Parser<T> parser, int recursionLimit) {
    return new GrpcMessageDecoder<>() {
      @Override
      public T decode(GrpcMessage msg) throws CodecException {
        if (msg.format() != WireFormat.PROTOBUF) {
          throw new CodecException("Spark Connect messages are only accepted in protobuf format");
        }
        try {
          CodedInputStream in = CodedInputStream.newInstance(msg.payload().getBytes());
          in.setRecursionLimit(recursionLimit);
          T message = parser.parseFrom(in);
          in.checkLastTagWas(0);
          return message;
        } catch (IOException | RuntimeException e) {
          if (String.valueOf(e.getMessage()).contains("too many levels of nesting")) {
            throw new UndecodableRequest(
                "The request message is nested more than "
                    + recursionLimit
                    + " levels deep (spark.connect.grpc.marshallerRecursionLimit)",
                e);
          }
          throw new UndecodableRequest("Malformed Spark Connect message: " + e.getMessage(), e);
        }
      }

      @Override
      public boolean accepts(WireFormat format) {
        return format == WireFormat.PROTOBUF;
      }
    };
  }

  /** An encoder that writes the binary wire format. */
  public static <T extends MessageLite> GrpcMessageEncoder<T> encoder() {
    return new GrpcMessageEncoder<>() {
      @Override
      public GrpcMessage encode(T msg, WireFormat format) throws CodecException {
        if (format != WireFormat.PROTOBUF) {
          throw new CodecException("Spark Connect messages are only sent in protobuf format");
        }
        // Wrapped, not copied: Buffer.buffer(byte[]) would copy every Arrow batch once more on
        // its way to the socket (the profile in docs/benchmarks.md, "Against the floor").
        return GrpcMessage.message(
            "identity", BufferInternal.buffer(Unpooled.wrappedBuffer(msg.toByteArray())));
      }

      @Override
      public boolean accepts(WireFormat format) {
        return format == WireFormat.PROTOBUF;
      }
    };
  }
}
