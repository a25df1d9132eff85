package dev.vxconnect.server.auth;

import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who a call comes from, before its first message is read: the transport must be TLS or
 * loopback (unless insecure transport is allowed), and when tokens are configured the call must
 * carry one, as {@code Authorization: Bearer <token>} (what Spark's server checks) or
 * {@code Authentication: Bearer <token>} (what the JVM client sends over TLS): a token of the
 * tokens file, a JWT signed by a configured key (both bound to their user), or the pre-shared
 * token (bound to none). Never blocks.
 */
public final class Authenticator {

  /** Header names a token may come in; both are passed on when a call is forwarded. */
  public static final String AUTHORIZATION = "authorization";

  public static final String AUTHENTICATION = "authentication";

  /** Longest credential header looked at. */
  private static final int MAX_HEADER_LENGTH = 8192;

  private static final String BEARER = "bearer ";

  private final byte[] sharedDigest;
  private final TokenTable tokens;
  private final Optional<JwtVerifier> jwt;
  private final boolean tokensRequired;
  private final boolean tls;
  private final boolean allowInsecure;

  public Authenticator(
      AuthOptions auth, TokenTable tokens, Optional<JwtVerifier> jwt, TlsOptions tls) {
    this.sharedDigest = auth.token().map(Authenticator::sha256).orElse(null);
    this.tokens = tokens;
    this.jwt = jwt;
    this.tokensRequired = auth.enabled();
    this.tls = tls.enabled();
    this.allowInsecure = tls.allowInsecure();
  }

  /** The caller, or {@link Refused} saying why not (sent as UNAUTHENTICATED). */
  public Caller authenticate(MultiMap headers, HttpConnection connection) {
    if (!tls && !allowInsecure && !isLoopback(connection)) {
      throw new Refused(
          "This server accepts calls without TLS from this host only; connect with"
              + " use_ssl=true to a TLS-enabled server (vxconnect.tls.certFile), or allow insecure"
              + " transport (vxconnect.tls.allowInsecure=true)");
    }
    Map<String, String> credentials = new LinkedHashMap<>();
    for (String name : new String[] {AUTHORIZATION, AUTHENTICATION}) {
      String value = headers.get(name);
      if (value != null) {
        credentials.put(name, value);
      }
    }
    if (!tokensRequired) {
      return new Caller(Optional.empty(), Optional.empty(), Map.copyOf(credentials));
    }
    if (credentials.isEmpty()) {
      throw new Refused("No authentication token provided");
    }
    for (String value : credentials.values()) {
      Optional<Optional<String>> user = check(value);
      if (user.isPresent()) {
        return new Caller(user.get(), Optional.empty(), Map.copyOf(credentials));
      }
    }
    throw new Refused("Invalid authentication token");
  }

  /** Empty: not a valid token; present: valid, bound to that user or (empty) to none. */
  private Optional<Optional<String>> check(String header) {
    if (header.length() > MAX_HEADER_LENGTH
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = header.substring(BEARER.length()).strip();
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> bound = tokens.userOf(token);
    if (bound.isEmpty() && jwt.isPresent()) {
      bound = jwt.get().userOf(token);
    }
    if (bound.isPresent()) {
      return Optional.of(bound);
    }
    if (sharedDigest != null && MessageDigest.isEqual(sharedDigest, sha256(token))) {
      return Optional.of(Optional.empty());
    }
    return Optional.empty();
  }

  private static boolean isLoopback(HttpConnection connection) {
    SocketAddress remote = connection.remoteAddress();
    if (remote == null || remote.isDomainSocket()) {
      return remote != null;
    }
    String host = remote.hostAddress();
    if (host == null) {
      return false;
    }
    try {
      // A numeric address: no name lookup happens.
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A call that is not let in; its message is safe to show the client. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "Authenticator{tokens="
        + (tokensRequired
            ? tokens.size()
                + " bound"
                + (sharedDigest != null ? " + pre-shared" : "")
                + jwt.map(j -> " + " + j).orElse("")
            : "none")
        + ", tls="
        + tls
        + ", allowInsecure="
        + allowInsecure
        + "}";
  }
}
