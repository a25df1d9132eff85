package dev.vxconnect.e2e.security;

import dev.vxconnect.e2e.security.FuzzCorpus.Request;
import dev.vxconnect.e2e.support.RawGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.sparkproject.com.google.rpc.ErrorInfo;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.protobuf.StatusProto;

/**
 * The rule every answer to a fuzzed request must keep: a status that says what was wrong with the
 * request (OK, INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, RESOURCE_EXHAUSTED,
 * UNAUTHENTICATED, PERMISSION_DENIED; UNAVAILABLE only with a RetryInfo), or INTERNAL the way
 * Spark's server sends its errors: with an ErrorInfo naming a Spark error class (in its metadata,
 * or, when Spark leaves it out because the error's parameters are too large, as the "[CLASS]" the
 * message starts with). Never UNKNOWN, never an ErrorInfo whose reason is a raw JVM failure
 * (java.lang.UnsupportedOperationException...). CANCELLED is a stream its own client cancelled by
 * releasing the operation while it streamed; the test checks those against the server's log.
 * Breaches are counted by RPC, kind of request and what was wrong, with the first message of each.
 */
final class FuzzVerdicts {

  private static final Pattern CLASS_IN_MESSAGE =
      Pattern.compile("^\\[[A-Z][A-Z0-9_.]*\\] .*", Pattern.DOTALL);
  private static final int EXAMPLE_CHARS = 300;

  private final Map<String, AtomicLong> breaches = new ConcurrentHashMap<>();
  private final AtomicLong cancelled = new AtomicLong();
  private final Map<String, String> examples = new ConcurrentHashMap<>();

  /** Judges one answer. */
  void judge(Request request, Status status, Metadata trailers) {
    if (status.getCode() == Status.Code.CANCELLED) {
      cancelled.incrementAndGet();
      return;
    }
    breach(status, trailers)
        .ifPresent(
            why -> {
              String key = request.rpc().method + " (" + request.how() + "): " + why;
              breaches.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
              String message = String.valueOf(status.getDescription());
              examples.putIfAbsent(
                  key,
                  message.length() <= EXAMPLE_CHARS
                      ? message
                      : message.substring(0, EXAMPLE_CHARS) + "...");
            });
  }

  /** How many streams ended CANCELLED. */
  long cancelled() {
    return cancelled.get();
  }

  /** Each breach with its count and the message of its first answer; empty when none. */
  Map<String, String> breaches() {
    Map<String, String> report = new TreeMap<>();
    breaches.forEach((key, count) -> report.put(key, count.get() + "x, e.g. " + examples.get(key)));
    return report;
  }

  /** What is wrong with this answer, if anything. */
  static Optional<String> breach(Status status, Metadata trailers) {
    Optional<org.sparkproject.com.google.rpc.Status> details =
        Optional.ofNullable(trailers).map(t -> StatusProto.fromStatusAndTrailers(status, t));
    switch (status.getCode()) {
      case OK,
      INVALID_ARGUMENT,
      FAILED_PRECONDITION,
      NOT_FOUND,
      RESOURCE_EXHAUSTED,
      UNAUTHENTICATED,
      PERMISSION_DENIED:
        return Optional.empty();
      case UNAVAILABLE:
        return details.flatMap(RawGrpc::retryDelay).isPresent()
            ? Optional.empty()
            : Optional.of("UNAVAILABLE without a RetryInfo");
      case INTERNAL:
        Optional<ErrorInfo> info = details.flatMap(d -> RawGrpc.detail(d, ErrorInfo.class));
        if (info.isEmpty()) {
          return Optional.of("INTERNAL without an ErrorInfo");
        }
        String reason = info.get().getReason();
        if (reason.startsWith("java.") || reason.startsWith("scala.")) {
          return Optional.of("INTERNAL naming a JVM failure, " + reason);
        }
        boolean named =
            !info.get().getMetadataOrDefault("errorClass", "").isEmpty()
                || CLASS_IN_MESSAGE.matcher(String.valueOf(status.getDescription())).matches();
        if (!named) {
          return Optional.of("INTERNAL without a Spark error class, " + reason);
        }
        return Optional.empty();
      default:
        return Optional.of(status.getCode().toString());
    }
  }
}
