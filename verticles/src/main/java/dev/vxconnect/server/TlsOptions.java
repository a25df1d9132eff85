package dev.vxconnect.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS on the gRPC port (and on the calls one instance forwards to another). Off unless a
 * certificate is given; Spark's own server has no TLS at all.
 */
public class TlsOptions {

  /** Without a client CA, clients are not asked for a certificate. */
  public static final boolean DEFAULT_ALLOW_INSECURE = false;

  private Path certFile;
  private Path keyFile;
  private Path clientCaFile;
  private Path trustFile;
  private boolean allowInsecure;

  public TlsOptions() {
    allowInsecure = DEFAULT_ALLOW_INSECURE;
  }

  public TlsOptions(TlsOptions other) {
    certFile = other.certFile;
    keyFile = other.keyFile;
    clientCaFile = other.clientCaFile;
    trustFile = other.trustFile;
    allowInsecure = other.allowInsecure;
  }

  /** Whether the gRPC port speaks TLS (a certificate and its key are configured). */
  public boolean isEnabled() {
    return certFile != null;
  }

  public Path getCertFile() {
    return certFile;
  }

  /** PEM certificate chain of this server; enables TLS. Needs {@link #setKeyFile}. */
  public TlsOptions setCertFile(Path certFile) {
    this.certFile = certFile;
    return this;
  }

  public Path getKeyFile() {
    return keyFile;
  }

  /** PEM private key (PKCS#8 or PKCS#1) of the certificate. */
  public TlsOptions setKeyFile(Path keyFile) {
    this.keyFile = keyFile;
    return this;
  }

  public Optional<Path> getClientCaFile() {
    return Optional.ofNullable(clientCaFile);
  }

  /** PEM CA certificates; when set, every client must present a certificate they signed (mTLS). */
  public TlsOptions setClientCaFile(Path clientCaFile) {
    this.clientCaFile = clientCaFile;
    return this;
  }

  /**
   * PEM certificates this instance trusts when it forwards a call to another instance; default:
   * its own certificate (one certificate shared by the instances) and the JVM's trust store.
   */
  public Path getTrustFile() {
    return trustFile != null ? trustFile : certFile;
  }

  public TlsOptions setTrustFile(Path trustFile) {
    this.trustFile = trustFile;
    return this;
  }

  public boolean isAllowInsecure() {
    return allowInsecure;
  }

  /** Whether clients on other hosts may connect without TLS (loopback clients always may). */
  public TlsOptions setAllowInsecure(boolean allowInsecure) {
    this.allowInsecure = allowInsecure;
    return this;
  }

  /** Checks that the configuration is complete; the files are read when the server starts. */
  public TlsOptions validate() {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "TLS needs both vxconnect.tls.certFile and vxconnect.tls.keyFile");
    }
    if (certFile == null && clientCaFile != null) {
      throw new IllegalArgumentException(
          "vxconnect.tls.clientCaFile (client certificates) needs TLS: set vxconnect.tls.certFile and keyFile");
    }
    return this;
  }

  @Override
  public String toString() {
    return "TlsOptions{enabled=" + isEnabled() + ", certFile=" + certFile + ", keyFile=" + keyFile
        + ", clientCaFile=" + clientCaFile + ", trustFile=" + getTrustFile() + ", allowInsecure="
        + allowInsecure + "}";
  }
}
