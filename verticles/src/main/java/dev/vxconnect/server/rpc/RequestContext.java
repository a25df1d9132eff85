package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.SessionKey;
import java.util.Optional;
import org.apache.spark.connect.proto.UserContext;

/**
 * What every RPC says about who it is for: the user, the client's session id and, when the client
 * has seen one, the server-side session id it expects (to detect a session that changed); and
 * whether another instance forwarded it here (then it is served here, never forwarded again).
 */
public record RequestContext(String userId, String sessionId, Optional<String> observedServerSideSessionId,
    boolean forwarded) {

  public static RequestContext of(UserContext user, String sessionId, boolean hasObserved, String observed,
      boolean forwarded) {
    return new RequestContext(user.getUserId(), sessionId,
        hasObserved && !observed.isEmpty() ? Optional.of(observed) : Optional.empty(), forwarded);
  }

  public SessionKey key() {
    return new SessionKey(userId, sessionId);
  }
}
