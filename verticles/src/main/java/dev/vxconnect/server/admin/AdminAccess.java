package dev.vxconnect.server.admin;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may read the admin port ({@code vxconnect.admin.token}): with no token, whoever reaches it;
 * with one, requests carrying it as {@code Authorization: Bearer <token>} (what Prometheus and the
 * other instances send) or as the password of HTTP Basic credentials, any user name (what browsers
 * send once they have asked their user: no cookie, no session, no token in a URL). Tokens are
 * compared through their SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * does not depend on how much of a guess is right.
 */
final class AdminAccess {

  private static final String REALM = "realm=\"vxconnect admin\"";

  /** Longest Authorization header looked at. */
  private static final int MAX_HEADER_LENGTH = 8192;

  private final Optional<String> token;
  private final byte[] digest;

  AdminAccess(Optional<String> token) {
    this.token = token;
    this.digest = token.map(AdminAccess::sha256).orElse(null);
  }

  /** Whether a request with this Authorization header (null: none) may be served. */
  boolean allows(String authorization) {
    return digest == null || presented(authorization).map(this::matches).orElse(false);
  }

  /** 401 with a challenge for each accepted scheme (browsers answer the Basic one). */
  void refuse(HttpServerRequest request) {
    HttpServerResponse response = request.response().setStatusCode(401);
    response.headers().add("www-authenticate", "Bearer " + REALM);
    response.headers().add("www-authenticate", "Basic " + REALM + ", charset=\"UTF-8\"");
    response
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end("This admin service needs its token (vxconnect.admin.token).\n");
  }

  /** The header this instance sends when it asks another instance (the same token). */
  Optional<String> authorization() {
    return token.map(t -> "Bearer " + t);
  }

  /** The token in an Authorization header, Bearer or Basic, if there is one. */
  private static Optional<String> presented(String header) {
    if (header == null || header.length() > MAX_HEADER_LENGTH) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = header.substring(space + 1).strip();
    return switch (scheme) {
      case "bearer" -> Optional.of(credentials);
      case "basic" -> basicPassword(credentials);
      default -> Optional.empty();
    };
  }

  private static Optional<String> basicPassword(String credentials) {
    try {
      String pair = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 ? Optional.empty() : Optional.of(pair.substring(colon + 1));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  private boolean matches(String presented) {
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
