package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SparkErrors;
import java.io.IOException;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.utils.ErrorUtils$;
import org.sparkproject.connect.google_protos.rpc.Status;
import scala.Option;
import scala.util.control.NonFatal$;

/**
 * Throwable to wire status, exactly as Spark's server builds it: INTERNAL with a google.rpc.ErrorInfo
 * (reason, domain, class hierarchy, sqlState, errorClass, messageParameters, errorId) that the
 * official clients turn back into AnalysisException, ParseException, SparkArithmeticException...
 * With a session, the throwable is kept under its errorId for FetchErrorDetails.
 */
final class SparkErrorMapper {

  private static final int UNKNOWN = 2;

  private SparkErrorMapper() {}

  static ErrorStatus toStatus(Throwable thrown, SessionHolder session) {
    Throwable unwrapped = SparkErrors.unwrap(thrown);
    Throwable failure =
        MetastoreNameClash.of(unwrapped).<Throwable>map(clash -> clash).orElse(unwrapped);
    if (failure instanceof IOException && readingArrow(failure)) {
      // The driver reads Arrow IPC only from what clients send (local relations, cached local
      // relations): data that cannot be read is the request's fault. Spark's server answers
      // INTERNAL naming java.io.IOException; the client can do nothing with that.
      return ErrorStatus.of(
          ErrorStatus.INVALID_ARGUMENT,
          abbreviate("The Arrow data in the request could not be read: " + failure.getMessage()));
    }
    if (!(failure instanceof SparkThrowable) && !NonFatal$.MODULE$.apply(failure)) {
      // Spark answers fatal JVM errors (e.g. a stack overflow on a huge plan) without details.
      String message =
          failure.getMessage() != null
              ? failure.getMessage()
              : failure.getClass().getName()
                  + (failure instanceof StackOverflowError
                      ? ": the plan is nested too deeply for the server's thread stack (-Xss)"
                      : "");
      return ErrorStatus.of(UNKNOWN, abbreviate(message));
    }
    Status status = ErrorUtils$.MODULE$.buildStatusFromThrowable(failure, Option.apply(session));
    return new ErrorStatus(status.getCode(), status.getMessage(), status.toByteArray());
  }

  private static boolean readingArrow(Throwable failure) {
    for (StackTraceElement frame : failure.getStackTrace()) {
      if (frame.getClassName().startsWith("org.apache.arrow.vector.ipc.")) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String message) {
    return message.length() <= 2048 ? message : message.substring(0, 2045) + "...";
  }
}
