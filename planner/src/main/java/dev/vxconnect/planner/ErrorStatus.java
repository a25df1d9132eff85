package dev.vxconnect.planner;

import dev.vxconnect.planner.spark.RetryDetails;
import java.time.Duration;

/**
 * A failure ready for the wire: the gRPC status code, its message and the serialized
 * {@code google.rpc.Status} that goes into the {@code grpc-status-details-bin} trailer (may be null).
 */
public record ErrorStatus(int code, String message, byte[] details) {

  public static final int UNKNOWN = 2;
  public static final int INVALID_ARGUMENT = 3;
  public static final int NOT_FOUND = 5;
  public static final int PERMISSION_DENIED = 7;
  public static final int RESOURCE_EXHAUSTED = 8;
  public static final int FAILED_PRECONDITION = 9;
  public static final int UNIMPLEMENTED = 12;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;
  public static final int UNAUTHENTICATED = 16;

  /**
   * A refusal the client should retry after {@code delay} (google.rpc.RetryInfo): for limits and
   * load, never for errors of the request itself.
   */
  public static ErrorStatus retryLater(int code, String message, Duration delay) {
    return new ErrorStatus(code, message, RetryDetails.status(code, message, delay));
  }

  /** A plain status without Spark error details. */
  public static ErrorStatus of(int code, String message) {
    return new ErrorStatus(code, message, null);
  }
}
