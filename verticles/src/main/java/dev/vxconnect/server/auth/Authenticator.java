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
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Decides who a call comes from, before its first message is read: the transport must be TLS or
 * loopback (unless insecure transport is allowed), and when tokens are configured the call must
 * carry one, as {@code Authorization: Bearer <token>} (what Spark's server checks) or
 * {@code Authentication: Bearer <token>} (what the JVM client sends over TLS): a token of the
 * tokens file, a JWT signed by a configured key (both bound to their user), or the pre-shared
 * token (bound to none). With {@code vxconnect.auth.mtls.userFrom}, the client certificate the TLS
 * handshake verified is bound to the user it names as well: a call with a token and a certificate
 * must name the user of both. Never blocks.
 */
public final class Authenticator {

  /** Header names a token may come in; both are passed on when a call is forwarded. */
  public static final String AUTHORIZATION = "authorization";

  public static final String AUTHENTICATION = "authentication";

  /** Longest credential header looked at. */
  private static final int MAX_HEADER_LENGTH = 8192;

  private static final String BEARER = "bearer ";

  private static final String TOKEN_SOURCE = "its token is bound to";

  private final byte[] sharedDigest;
  private final TokenTable tokens;
  private final Optional<JwtVerifier> jwt;
  private final boolean tokensRequired;
  private final boolean tls;
  private final boolean allowInsecure;
  private final Optional<CertificateUser> certificateUser;

  public Authenticator(
      AuthOptions auth, TokenTable tokens, Optional<JwtVerifier> jwt, TlsOptions tls) {
    this.sharedDigest = auth.token().map(Authenticator::sha256).orElse(null);
    this.tokens = tokens;
    this.jwt = jwt;
    this.tokensRequired = auth.enabled();
    this.tls = tls.enabled();
    this.allowInsecure = tls.allowInsecure();
    this.certificateUser = auth.certificateUser().map(CertificateUser::new);
  }

  /**
   * The caller, or {@link Refused} saying why not (sent as UNAUTHENTICATED). {@code forwardedFor}:
   * the user and session of a valid seal of another instance, whose certificate is the one on the
   * connection: the instance that forwarded the call checked its client's certificate, and the seal
   * binds the call to the user it found (a request naming another is PERMISSION_DENIED).
   */
  public Caller authenticate(
      MultiMap headers, HttpConnection connection, Optional<Caller.ForwardedFor> forwardedFor) {
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
    List<Caller.Binding> bindings = new ArrayList<>();
    if (certificateUser.isPresent() && forwardedFor.isEmpty()) {
      bindings.add(certificateBinding(certificateUser.get(), connection));
    }
    if (tokensRequired) {
      tokenUser(credentials)
          .ifPresent(user -> bindings.add(new Caller.Binding(user, TOKEN_SOURCE)));
    }
    return new Caller(bindings, forwardedFor, Map.copyOf(credentials));
  }

  /** The user a valid token is bound to (empty: the pre-shared token); {@link Refused} without one. */
  private Optional<String> tokenUser(Map<String, String> credentials) {
    if (credentials.isEmpty()) {
      throw new Refused("No authentication token provided");
    }
    for (String value : credentials.values()) {
      Optional<Optional<String>> user = check(value);
      if (user.isPresent()) {
        return user.get();
      }
    }
    throw new Refused("Invalid authentication token");
  }

  /** The connection's client certificate, verified by the handshake, and the user it names. */
  private static Caller.Binding certificateBinding(
      CertificateUser mapping, HttpConnection connection) {
    List<Certificate> chain;
    try {
      chain = connection.isSsl() ? connection.peerCertificates() : null;
    } catch (SSLPeerUnverifiedException e) {
      chain = null;
    }
    // The handshake requires a certificate (ClientAuth.REQUIRED): this is a second lock.
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      throw new Refused("No client certificate: this server requires one");
    }
    return new Caller.Binding(
        mapping.userOf(leaf), "its client certificate names (" + mapping.field().label() + ")");
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
    } catch (NoSuchAlgorithmException e) {
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
        + certificateUser.map(c -> ", " + c).orElse("")
        + "}";
  }
}
