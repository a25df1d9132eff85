package dev.vxconnect.e2e.security;

import dev.vxconnect.testkit.Keytool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;

/**
 * A self-signed certificate for localhost / 127.0.0.1 made at test time with the JDK's keytool:
 * PEM certificate and key for the server, and a PKCS#12 trust store holding the certificate for
 * client JVMs ({@code javax.net.ssl.trustStore}).
 */
final class TestCertificate {

  static final String STORE_PASSWORD = Keytool.PASSWORD;

  final Path certFile;
  final Path keyFile;
  final Path trustStore;

  private TestCertificate(Path certFile, Path keyFile, Path trustStore) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.trustStore = trustStore;
  }

  static TestCertificate create(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path keyStore = dir.resolve("server.p12");
    Path trustStore = dir.resolve("trust.p12");
    Files.deleteIfExists(keyStore);
    Files.deleteIfExists(trustStore);
    Keytool.keyPair(
        keyStore,
        "vxconnect",
        "CN=localhost",
        Keytool.RSA,
        List.of("SAN=dns:localhost,ip:127.0.0.1"));
    KeyStore store = Keytool.load(keyStore);
    Key key = store.getKey("vxconnect", STORE_PASSWORD.toCharArray());
    Certificate cert = store.getCertificate("vxconnect");
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("vxconnect", cert);
    try (var out = Files.newOutputStream(trustStore)) {
      trust.store(out, STORE_PASSWORD.toCharArray());
    }
    return new TestCertificate(certFile, keyFile, trustStore);
  }

  private static String pem(String type, byte[] der) {
    return Keytool.pem(type, der);
  }
}
