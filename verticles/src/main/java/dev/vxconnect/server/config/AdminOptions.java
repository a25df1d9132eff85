package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The admin HTTP service: its port (or {@link #DISABLED}), the address it binds to (loopback by
 * default), the token its requests must carry (none: open to whoever reaches it) and its own TLS
 * certificate (none: plain HTTP). The files are read when the server starts.
 */
public record AdminOptions(
    int port,
    String address,
    Optional<String> token,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Optional<Path> trustFile) {

  /** {@link #port()} when no admin HTTP service is configured. */
  public static final int DISABLED = -1;

  public AdminOptions {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "Admin TLS needs both "
              + ConfigKeys.ADMIN_TLS_CERT_FILE
              + " and "
              + ConfigKeys.ADMIN_TLS_KEY_FILE);
    }
  }

  public static AdminOptions from(Conf conf) {
    return new AdminOptions(
        conf.get(ConfigKeys.ADMIN_PORT).orElse(DISABLED),
        conf.get(ConfigKeys.ADMIN_ADDRESS),
        conf.get(ConfigKeys.ADMIN_TOKEN),
        conf.get(ConfigKeys.ADMIN_TLS_CERT_FILE),
        conf.get(ConfigKeys.ADMIN_TLS_KEY_FILE),
        conf.get(ConfigKeys.ADMIN_TLS_TRUST_FILE));
  }

  /** Whether the admin service runs at all. */
  public boolean enabled() {
    return port != DISABLED;
  }

  /** Whether the admin port speaks HTTPS (a certificate and its key are configured). */
  public boolean tls() {
    return certFile.isPresent();
  }

  /** The URL scheme of the admin port. */
  public String scheme() {
    return tls() ? "https" : "http";
  }

  /**
   * PEM certificates trusted when asking another instance's admin service; default: this
   * instance's own certificate (one certificate shared by the instances).
   */
  @Override
  public Optional<Path> trustFile() {
    return trustFile.or(() -> certFile);
  }

  /** For the startup log: the token itself is never shown. */
  @Override
  public String toString() {
    return "AdminOptions[port="
        + port
        + ", address="
        + address
        + ", token="
        + token.map(t -> "***").orElse("none")
        + ", certFile="
        + certFile
        + ", keyFile="
        + keyFile
        + ", trustFile="
        + trustFile()
        + "]";
  }
}
