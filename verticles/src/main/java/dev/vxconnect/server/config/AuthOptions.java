package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call: a pre-shared token (Spark's {@code spark.connect.authenticate.token}: whoever holds
 * it may act as any user), a file of tokens each bound to one user, and/or JWTs signed by the keys
 * of a file, each bound to the user it names. None set: no authentication, as Spark's server by
 * default.
 */
public record AuthOptions(
    Optional<String> token,
    Optional<Path> tokensFile,
    Optional<Path> jwtKeysFile,
    Optional<String> jwtIssuer,
    Optional<String> jwtAudience,
    String jwtUserClaim) {

  public static AuthOptions from(Conf conf) {
    return new AuthOptions(
        conf.get(ConfigKeys.AUTH_TOKEN),
        conf.get(ConfigKeys.AUTH_TOKENS_FILE),
        conf.get(ConfigKeys.AUTH_JWT_KEYS_FILE),
        conf.get(ConfigKeys.AUTH_JWT_ISSUER),
        conf.get(ConfigKeys.AUTH_JWT_AUDIENCE),
        conf.get(ConfigKeys.AUTH_JWT_USER_CLAIM));
  }

  /** Whether calls must carry a token. */
  public boolean enabled() {
    return token.isPresent() || tokensFile.isPresent() || jwtKeysFile.isPresent();
  }

  /** For the startup log: the token itself is never shown. */
  @Override
  public String toString() {
    return "AuthOptions[token="
        + token.map(t -> "***").orElse("none")
        + ", tokensFile="
        + tokensFile
        + ", jwtKeysFile="
        + jwtKeysFile
        + ", jwtIssuer="
        + jwtIssuer
        + ", jwtAudience="
        + jwtAudience
        + ", jwtUserClaim="
        + jwtUserClaim
        + "]";
  }
}
