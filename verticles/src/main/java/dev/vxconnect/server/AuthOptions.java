package dev.vxconnect.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call: a pre-shared token (Spark's {@code spark.connect.authenticate.token}: whoever holds
 * it may act as any user) and/or a file of tokens each bound to one user. Neither set: no
 * authentication, as Spark's server by default.
 */
public class AuthOptions {

  private String token;
  private Path tokensFile;

  public AuthOptions() {}

  public AuthOptions(AuthOptions other) {
    token = other.token;
    tokensFile = other.tokensFile;
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

  /** Whether calls must carry a token. */
  public boolean isEnabled() {
    return token != null || tokensFile != null;
  }

  @Override
  public String toString() {
    return "AuthOptions{token=" + (token == null ? "none" : "***") + ", tokensFile=" + tokensFile + "}";
  }
}
