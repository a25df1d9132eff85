package dev.vxconnect.proto.codec;

import io.vertx.grpc.common.CodecException;

/**
 * A request message that cannot be parsed: malformed, or nested deeper than the recursion limit.
 * vxconnect answers INVALID_ARGUMENT with a message saying what was wrong (Apache Spark's server,
 * through grpc-java, answers UNKNOWN: a deliberate difference, listed in the parity deviations).
 */
public final class UndecodableRequest extends CodecException {

  public UndecodableRequest(String message, Throwable cause) {
    super(message, cause);
  }
}
