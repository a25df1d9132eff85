package dev.vxconnect.e2e.security;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost / 127.0.0.1 made at test time with the JDK's keytool:
 * PEM certificate and key for the server, and a PKCS#12 trust store holding the certificate for
 * client JVMs ({@code javax.net.ssl.trustStore}).
 */
final class TestCertificate {

  static final String STORE_PASSWORD = "changeit";

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
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(
        List.of(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            "vxconnect",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "2",
            "-dname",
            "CN=localhost",
            "-ext",
            "SAN=dns:localhost,ip:127.0.0.1",
            "-keystore",
            keyStore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            STORE_PASSWORD,
            "-keypass",
            STORE_PASSWORD));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keyStore.toFile())) {
      store.load(in, STORE_PASSWORD.toCharArray());
    }
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
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(command.get(1) + " failed: " + output);
    }
  }
}
