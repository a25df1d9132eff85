package dev.vxconnect.server.call;

import dev.vxconnect.cluster.StateUnavailableException;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure becomes a gRPC status: Spark's mapping (INTERNAL + ErrorInfo in
 * {@code grpc-status-details-bin}) for Spark errors, our own status for protocol errors.
 */
public final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  private static final String DETAILS_TRAILER = "grpc-status-details-bin";

  private final SparkEngine engine;
  private final Duration retryDelay;

  /** @param retryDelay the back-off suggested when a call failed for a cause that passes */
  public Failures(SparkEngine engine, Duration retryDelay) {
    this.engine = engine;
    this.retryDelay = retryDelay;
  }

  /** Maps {@code failure}; with a session, its details are kept for FetchErrorDetails. */
  public ErrorStatus toStatus(Throwable failure, SessionContext session) {
    Throwable cause = unwrap(failure);
    if (cause instanceof RpcFailure rpc) {
      return rpc.status();
    }
    Optional<ErrorStatus> stateLost = stateUnavailable(cause, retryDelay);
    if (stateLost.isPresent()) {
      return stateLost.get();
    }
    if (cause instanceof CodecException refused) {
      // A request that cannot be parsed (UndecodableRequest: malformed, nested too deep) or was
      // not accepted as sent (compressed artifacts): the client's fault, said plainly. Spark's
      // server answers UNKNOWN to the first kind (grpc-java's default); a client can tell nothing
      // from that code, and no client retries either.
      return ErrorStatus.of(ErrorStatus.INVALID_ARGUMENT, String.valueOf(refused.getMessage()));
    }
    try {
      return session != null ? session.toErrorStatus(cause) : engine.toErrorStatus(cause);
    } catch (RuntimeException | LinkageError mappingFailed) {
      // Never leave a call hanging because its error could not be described.
      LOG.error("Could not map {} to a status", cause, mappingFailed);
      return ErrorStatus.of(ErrorStatus.INTERNAL, String.valueOf(cause.getMessage()));
    }
  }

  /**
   * The status of a call that failed because the state database could not be used, if that is the
   * cause: UNAVAILABLE with a retry delay (nothing was changed that the client could see later).
   */
  public static Optional<ErrorStatus> stateUnavailable(Throwable failure, Duration retryDelay) {
    return StateUnavailableException.in(failure)
        .map(
            lost ->
                ErrorStatus.retryLater(
                    ErrorStatus.UNAVAILABLE,
                    lost.getMessage() + ". Nothing was changed; retry later.",
                    retryDelay));
  }

  /** Ends the call with {@code failure}. */
  public void send(GrpcServerResponse<?, ?> response, Throwable failure, SessionContext session) {
    send(response, toStatus(failure, session));
  }

  /** Ends the call with {@code status}; a call the client already cancelled is left alone. */
  public void send(GrpcServerResponse<?, ?> response, ErrorStatus status) {
    try {
      GrpcStatus code = GrpcStatus.valueOf(status.code());
      response.status(code == null ? GrpcStatus.UNKNOWN : code);
      GrpcMessage.set(response, status.message());
      if (status.details() != null) {
        response
            .trailers()
            .set(
                DETAILS_TRAILER,
                Base64.getEncoder().withoutPadding().encodeToString(status.details()));
      }
      response.end();
    } catch (RuntimeException closed) {
      // The stream is already ended or its connection is gone (Vert.x may throw either way).
      LOG.debug("Could not send {} to a closed stream: {}", status.message(), closed.toString());
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
