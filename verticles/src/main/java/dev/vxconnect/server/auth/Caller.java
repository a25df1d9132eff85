package dev.vxconnect.server.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Who made a call, as authentication found it: the user a token is bound to (empty when any user
 * may be named, as without authentication or with Spark's pre-shared token), whether another
 * instance forwarded the call here, and the credential headers to pass on when it is forwarded.
 */
public record Caller(Optional<String> user, boolean forwarded, Map<String, String> credentials) {

  /** No authentication configured, not forwarded: a test or an embedded call. */
  public static final Caller ANYONE = new Caller(Optional.empty(), false, Map.of());

  /** Whether this caller may act as {@code userId}. */
  public boolean mayActAs(String userId) {
    return user.isEmpty() || user.get().equals(userId);
  }
}
