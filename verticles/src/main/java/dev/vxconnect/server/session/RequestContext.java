package dev.vxconnect.server.session;

import dev.vxconnect.server.auth.Caller;
import java.util.Optional;
import org.apache.spark.connect.proto.UserContext;

/**
 * What every RPC says about who it is for: the user, the client's session id and, when the client
 * has seen one, the server-side session id it expects (to detect a session that changed); and who
 * called (the authenticated user, whether another instance forwarded it here: then it is served
 * here, never forwarded again).
 */
public record RequestContext(String userId, String sessionId, Optional<String> observedServerSideSessionId,
    Caller caller) {

  public static RequestContext of(UserContext user, String sessionId, boolean hasObserved, String observed,
      Caller caller) {
    return new RequestContext(user.getUserId(), sessionId,
        hasObserved && !observed.isEmpty() ? Optional.of(observed) : Optional.empty(), caller);
  }

  public boolean forwarded() {
    return caller.forwarded();
  }

  /** Whether the caller may act as the request's user (PERMISSION_DENIED otherwise). */
  public boolean permitted() {
    return caller.mayActAs(userId);
  }

  public SessionKey key() {
    return new SessionKey(userId, sessionId);
  }
}
