package dev.vxconnect.server.auth;

import dev.vxconnect.testkit.Keytool;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Self-signed certificates with a given subject and subject alternative names, made by the JDK's
 * keytool (real certificates, parsed by the JDK as a handshake's would be).
 */
final class KeytoolCertificates {

  private KeytoolCertificates() {}

  /** A certificate for {@code dname}, with {@code sans} (keytool's {@code SAN=} syntax) if not null. */
  static X509Certificate make(Path dir, String alias, String dname, String sans) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    Keytool.keyPair(
        store, alias, dname, Keytool.EC, sans == null ? List.of() : List.of("SAN=" + sans));
    return (X509Certificate) Keytool.load(store).getCertificate(alias);
  }
}
