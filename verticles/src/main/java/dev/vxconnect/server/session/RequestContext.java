package dev.vxconnect.server.session;

import dev.vxconnect.proto.SessionIds;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.RpcFailure;
import java.util.Optional;

/**
 * What every RPC says about who it is for: the user, the client's session id and, when the client
 * has seen one, the server-side session id it expects (to detect a session that changed); and who
 * called (the authenticated user, whether another instance forwarded it here: then it is served
 * here, never forwarded again).
 */
public record RequestContext(
    String userId, String sessionId, Optional<String> observedServerSideSessionId, Caller caller) {

  /** The ids a request carries (its method's extractor, {@code SparkConnectMethods.Method.ids}). */
  public static RequestContext of(SessionIds ids, Caller caller) {
    return new RequestContext(
        ids.userId(), ids.sessionId(), ids.observedServerSideSessionId(), caller);
  }

  /** Whether another instance forwarded the call here, sealed for this very session. */
  public boolean forwarded() {
    return caller.forwardedFor().filter(this::sealedForThis).isPresent();
  }

  /**
   * Whether the call carries a valid seal for another user's or session's call than this one:
   * refused, since its interceptors were skipped on the word of that seal.
   */
  public boolean sealedForAnother() {
    return caller.forwardedFor().filter(f -> !sealedForThis(f)).isPresent();
  }

  private boolean sealedForThis(Caller.ForwardedFor sealed) {
    return sealed.userId().equals(userId) && sealed.sessionId().equals(sessionId);
  }

  /** Whether the caller may act as the request's user (PERMISSION_DENIED otherwise). */
  public boolean permitted() {
    return caller.mayActAs(userId);
  }

  /** The PERMISSION_DENIED of a call not {@link #permitted()}, naming the users it may act as. */
  public RpcFailure notPermitted() {
    return RpcFailure.permissionDenied(caller.whyNot(userId));
  }

  public SessionKey key() {
    return new SessionKey(userId, sessionId);
  }
}
