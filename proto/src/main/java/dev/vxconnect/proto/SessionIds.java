package dev.vxconnect.proto;

import java.util.Optional;

/**
 * What a request says about the session it is for: the user, the client's session id and, when
 * the client has seen one, the server-side session id it expects (to detect a session that
 * changed).
 */
public record SessionIds(
    String userId, String sessionId, Optional<String> observedServerSideSessionId) {

  /** {@code observed} counts only when the request has the field and it is not empty. */
  public static SessionIds of(
      String userId, String sessionId, boolean hasObserved, String observed) {
    return new SessionIds(
        userId,
        sessionId,
        hasObserved && !observed.isEmpty() ? Optional.of(observed) : Optional.empty());
  }
}
