package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call: a pre-shared token (Spark's {@code spark.connect.authenticate.token}: whoever holds
 * it may act as any user), a file of tokens each bound to one user, and/or JWTs signed by the keys
 * of a file, each bound to the user it names; and, with client certificates, the field of a
 * certificate that names its user. None set: no authentication, as Spark's server by default.
 */
public record AuthOptions(
    Optional<String> token,
    Optional<Path> tokensFile,
    Optional<Path> jwtKeysFile,
    Optional<String> jwtIssuer,
    Optional<String> jwtAudience,
    String jwtUserClaim,
    Optional<CertificateUserField> certificateUser) {

  public static AuthOptions from(Conf conf) {
    Optional<CertificateUserField> certificateUser = conf.get(ConfigKeys.AUTH_MTLS_USER_FROM);
    // Without client certificates there is nothing to map: refuse rather than run unmapped.
    if (certificateUser.isPresent() && conf.get(ConfigKeys.TLS_CLIENT_CA_FILE).isEmpty()) {
      throw new IllegalArgumentException(
          ConfigKeys.AUTH_MTLS_USER_FROM.key()
              + " maps a client certificate to its user: it needs client certificates, "
              + ConfigKeys.TLS_CLIENT_CA_FILE.key()
              + " (with vxconnect.tls.certFile and keyFile)");
    }
    return new AuthOptions(
        conf.get(ConfigKeys.AUTH_TOKEN),
        conf.get(ConfigKeys.AUTH_TOKENS_FILE),
        conf.get(ConfigKeys.AUTH_JWT_KEYS_FILE),
        conf.get(ConfigKeys.AUTH_JWT_ISSUER),
        conf.get(ConfigKeys.AUTH_JWT_AUDIENCE),
        conf.get(ConfigKeys.AUTH_JWT_USER_CLAIM),
        certificateUser);
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
        + ", certificateUser="
        + certificateUser
        + "]";
  }
}
