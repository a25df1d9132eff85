package dev.vxconnect.cluster;

import java.util.Optional;

/**
 * The durable state database could not be read or written (unreachable, refused, timed out). The
 * change that needed it did not happen; the caller may retry once the database is back.
 */
public final class StateUnavailableException extends RuntimeException {

  public StateUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first StateUnavailableException in {@code failure}'s cause chain, if any. */
  public static Optional<StateUnavailableException> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StateUnavailableException unavailable) {
        return Optional.of(unavailable);
      }
    }
    return Optional.empty();
  }
}
