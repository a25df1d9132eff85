package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS on the gRPC port (and on the calls one instance forwards to another). Off unless a
 * certificate is given; Spark's own server has no TLS at all. The files are read when the server
 * starts.
 */
public record TlsOptions(
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Optional<Path> clientCaFile,
    Optional<Path> trustFile,
    boolean allowInsecure) {

  public TlsOptions {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "TLS needs both " + ConfigKeys.TLS_CERT_FILE + " and " + ConfigKeys.TLS_KEY_FILE);
    }
    if (certFile.isEmpty() && clientCaFile.isPresent()) {
      throw new IllegalArgumentException(
          ConfigKeys.TLS_CLIENT_CA_FILE
              + " (client certificates) needs TLS: set vxconnect.tls.certFile and keyFile");
    }
  }

  public static TlsOptions from(Conf conf) {
    return new TlsOptions(
        conf.get(ConfigKeys.TLS_CERT_FILE),
        conf.get(ConfigKeys.TLS_KEY_FILE),
        conf.get(ConfigKeys.TLS_CLIENT_CA_FILE),
        conf.get(ConfigKeys.TLS_TRUST_FILE),
        conf.get(ConfigKeys.TLS_ALLOW_INSECURE));
  }

  /** Whether the gRPC port speaks TLS (a certificate and its key are configured). */
  public boolean enabled() {
    return certFile.isPresent();
  }

  /**
   * PEM certificates this instance trusts when it forwards a call to another instance; default: its
   * own certificate (one certificate shared by the instances).
   */
  @Override
  public Optional<Path> trustFile() {
    return trustFile.or(() -> certFile);
  }
}
