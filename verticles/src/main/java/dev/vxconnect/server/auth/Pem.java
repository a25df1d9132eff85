package dev.vxconnect.server.auth;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * Vert.x TLS options from PEM files, read when the server or client using them starts: one place
 * for every TLS endpoint of an instance (the gRPC port, forwarding, the admin port and its peers).
 */
public final class Pem {

  private Pem() {}

  /** A certificate chain and its private key (PKCS#8 or PKCS#1). */
  public static PemKeyCertOptions keyCert(Path certFile, Path keyFile) {
    return new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString());
  }

  /** The certificates of a file, trusted (and nothing else: not the JVM's default trust store). */
  public static PemTrustOptions trust(Path certificates) {
    return new PemTrustOptions().addCertPath(certificates.toString());
  }
}
