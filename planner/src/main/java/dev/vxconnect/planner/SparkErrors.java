package dev.vxconnect.planner;

import java.util.Map;
import org.apache.spark.SparkSQLException;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's own exceptions for the error classes the server raises itself (INVALID_HANDLE.*,
 * INVALID_CURSOR.*, OPERATION_CANCELED...), so that they reach the client exactly as Spark's server
 * sends them: same class (SparkSQLException), message template and sqlState.
 */
public final class SparkErrors {

  private SparkErrors() {}

  /** A {@code SparkSQLException} with the given error class and message parameters. */
  public static Exception error(String errorClass, Map<String, String> parameters) {
    return new SparkSQLException(errorClass, scalaMap(parameters));
  }

  /**
   * The same error, unchecked, for code that cannot declare SparkSQLException: write
   * {@code throw SparkErrors.raise(...)}. The error mapping unwraps it, so the client sees the
   * SparkSQLException.
   */
  public static SparkError raise(String errorClass, Map<String, String> parameters) {
    return new SparkError(error(errorClass, parameters));
  }

  /** Carries one of Spark's checked exceptions through code that only lets unchecked ones pass. */
  public static final class SparkError extends RuntimeException {
    private SparkError(Exception cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** The Spark exception itself, if {@code thrown} carries one through {@link SparkError}. */
  public static Throwable unwrap(Throwable thrown) {
    return thrown instanceof SparkError wrapped ? wrapped.getCause() : thrown;
  }

  /** An INVALID_HANDLE.* error about a session or operation id. */
  public static SparkError invalidHandle(String subClass, String handle) {
    return raise("INVALID_HANDLE." + subClass, Map.of("handle", handle));
  }

  private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> map) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(map));
  }
}
