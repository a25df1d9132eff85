package dev.vxconnect.server.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates with a given subject and subject alternative names, made by the JDK's
 * keytool (real certificates, parsed by the JDK as a handshake's would be).
 */
final class KeytoolCertificates {

  private static final String PASSWORD = "changeit";

  private KeytoolCertificates() {}

  /** A certificate for {@code dname}, with {@code sans} (keytool's {@code SAN=} syntax) if not null. */
  static X509Certificate make(Path dir, String alias, String dname, String sans)
      throws IOException, InterruptedException, java.security.GeneralSecurityException {
    Path store = dir.resolve(alias + ".p12");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                // Half the CPU of a default start, for a second's work.
                "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC",
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                dname,
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD));
    if (sans != null) {
      command.add("-ext");
      command.add("SAN=" + sans);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed for " + dname + ": " + output);
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    return (X509Certificate) keyStore.getCertificate(alias);
  }
}
