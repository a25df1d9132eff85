package dev.vxconnect.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call: a pre-shared token (Spark's {@code spark.connect.authenticate.token}: whoever holds
 * it may act as any user), a file of tokens each bound to one user, and/or JWTs signed by the keys
 * of a file, each bound to the user it names. None set: no authentication, as Spark's server by
 * default.
 */
public class AuthOptions {

  private String token;
  private Path tokensFile;
  private Path jwtKeysFile;
  private String jwtIssuer;
  private String jwtAudience;
  private String jwtUserClaim = DEFAULT_JWT_USER_CLAIM;

  public static final String DEFAULT_JWT_USER_CLAIM = "sub";

  public AuthOptions() {}

  public AuthOptions(AuthOptions other) {
    token = other.token;
    tokensFile = other.tokensFile;
    jwtKeysFile = other.jwtKeysFile;
    jwtIssuer = other.jwtIssuer;
    jwtAudience = other.jwtAudience;
    jwtUserClaim = other.jwtUserClaim;
  }

  public Optional<String> getToken() {
    return Optional.ofNullable(token);
  }

  /** {@code spark.connect.authenticate.token}; null or empty = none. */
  public AuthOptions setToken(String token) {
    this.token = token == null || token.isEmpty() ? null : token;
    return this;
  }

  public Optional<Path> getTokensFile() {
    return Optional.ofNullable(tokensFile);
  }

  /** Lines {@code user token} (or {@code user sha256:<hex of the token>}); # comments. */
  public AuthOptions setTokensFile(Path tokensFile) {
    this.tokensFile = tokensFile;
    return this;
  }

  public Optional<Path> getJwtKeysFile() {
    return Optional.ofNullable(jwtKeysFile);
  }

  /** A JWKS document or PEM public key: JWTs signed by its keys are accepted. */
  public AuthOptions setJwtKeysFile(Path jwtKeysFile) {
    this.jwtKeysFile = jwtKeysFile;
    return this;
  }

  /** The issuer a JWT must name, or null for any. */
  public String getJwtIssuer() {
    return jwtIssuer;
  }

  public AuthOptions setJwtIssuer(String jwtIssuer) {
    this.jwtIssuer = jwtIssuer == null || jwtIssuer.isEmpty() ? null : jwtIssuer;
    return this;
  }

  /** An audience a JWT must name, or null for any. */
  public String getJwtAudience() {
    return jwtAudience;
  }

  public AuthOptions setJwtAudience(String jwtAudience) {
    this.jwtAudience = jwtAudience == null || jwtAudience.isEmpty() ? null : jwtAudience;
    return this;
  }

  /** The claim that names a JWT's user. */
  public String getJwtUserClaim() {
    return jwtUserClaim;
  }

  public AuthOptions setJwtUserClaim(String jwtUserClaim) {
    if (jwtUserClaim == null || jwtUserClaim.isBlank()) {
      throw new IllegalArgumentException("vxconnect.auth.jwt.userClaim must name a claim");
    }
    this.jwtUserClaim = jwtUserClaim;
    return this;
  }

  /** Whether calls must carry a token. */
  public boolean isEnabled() {
    return token != null || tokensFile != null || jwtKeysFile != null;
  }

  @Override
  public String toString() {
    return "AuthOptions{token=" + (token == null ? "none" : "***") + ", tokensFile=" + tokensFile
        + ", jwtKeysFile=" + jwtKeysFile + ", jwtIssuer=" + jwtIssuer + ", jwtAudience=" + jwtAudience
        + ", jwtUserClaim=" + jwtUserClaim + "}";
  }
}
