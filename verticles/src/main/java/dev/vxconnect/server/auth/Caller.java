package dev.vxconnect.server.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who made a call, as authentication found it: the user a token is bound to (empty when any user
 * may be named, as without authentication or with Spark's pre-shared token), the session another
 * instance forwarded the call here for (only when the call carries that instance's valid seal,
 * never on a client's word), and the credential headers to pass on when it is forwarded.
 */
public record Caller(
    Optional<String> user, Optional<ForwardedFor> forwardedFor, Map<String, String> credentials) {

  /** No authentication configured, not forwarded: a test or an embedded call. */
  public static final Caller ANYONE = new Caller(Optional.empty(), Optional.empty(), Map.of());

  /** The user and session a forwarding instance sealed a call for. */
  public record ForwardedFor(String userId, String sessionId) {}

  /** Whether another instance forwarded the call here (with a valid seal). */
  public boolean forwarded() {
    return forwardedFor.isPresent();
  }

  /** This caller, as forwarded here by another instance for {@code sealed}'s session. */
  public Caller forwardedFor(ForwardedFor sealed) {
    return new Caller(user, Optional.of(sealed), credentials);
  }

  /** Whether this caller may act as {@code userId}. */
  public boolean mayActAs(String userId) {
    return user.isEmpty() || user.get().equals(userId);
  }
}
