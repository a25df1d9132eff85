package dev.vxconnect.server.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who made a call, as authentication found it: the users its credentials are bound to (a token of
 * the tokens file or a JWT, and the client certificate; none when any user may be named, as without
 * authentication or with Spark's pre-shared token), the session another instance forwarded the
 * call here for (only when the call carries that instance's valid seal, never on a client's word),
 * and the credential headers to pass on when it is forwarded.
 */
public record Caller(
    List<Binding> bindings, Optional<ForwardedFor> forwardedFor, Map<String, String> credentials) {

  /** No authentication configured, not forwarded: a test or an embedded call. */
  public static final Caller ANYONE = new Caller(List.of(), Optional.empty(), Map.of());

  /** A credential bound to one user: {@code source} says which, as messages name it. */
  public record Binding(String user, String source) {}

  /** The user and session a forwarding instance sealed a call for. */
  public record ForwardedFor(String userId, String sessionId) {}

  public Caller {
    bindings = List.copyOf(bindings);
  }

  /** Whether another instance forwarded the call here (with a valid seal). */
  public boolean forwarded() {
    return forwardedFor.isPresent();
  }

  /** Whether this caller may act as {@code userId}: every credential bound to a user names it. */
  public boolean mayActAs(String userId) {
    return bindings.stream().allMatch(binding -> binding.user().equals(userId));
  }

  /** Why this caller may not act as {@code userId}, naming the users its credentials are bound to. */
  public String whyNot(String userId) {
    return "The caller is not allowed to act as user '"
        + userId
        + "': user_context.user_id must be "
        + bindings.stream()
            .filter(binding -> !binding.user().equals(userId))
            .map(binding -> "'" + binding.user() + "', the user " + binding.source())
            .collect(Collectors.joining(", and "));
  }
}
