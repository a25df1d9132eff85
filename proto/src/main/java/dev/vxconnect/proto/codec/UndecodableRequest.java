package dev.vxconnect.proto.codec;

import io.vertx.grpc.common.CodecException;

/**
 * A request message that cannot be parsed: malformed, or nested deeper than the recursion limit.
 * Apache Spark's server (grpc-java) ends such a call with status UNKNOWN, and clients and Spark's
 * own tests expect that code; the message says what was wrong.
 */
public final class UndecodableRequest extends CodecException {

  public UndecodableRequest(String message, Throwable cause) {
    super(message, cause);
  }
}
