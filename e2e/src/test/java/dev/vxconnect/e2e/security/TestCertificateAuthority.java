package dev.vxconnect.e2e.security;

import dev.vxconnect.testkit.Keytool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made at test time with the JDK's keytool (EC keys: quick to make), and
 * the client certificates it issues: a key pair, a request, the CA's signature ({@code -genkeypair},
 * {@code -certreq}, {@code -gencert}). Also self-signed client certificates, which no server
 * trusting only this CA accepts. Every file is PEM, as the server and grpc-java read them.
 */
final class TestCertificateAuthority {

  private static final String CA = "ca";

  private final Path dir;

  /** The CA's certificate (the server's {@code vxconnect.tls.clientCaFile}). */
  final Path certFile;

  /** A client's certificate and its private key (PKCS#8). */
  record ClientCertificate(Path certFile, Path keyFile) {}

  private TestCertificateAuthority(Path dir, Path certFile) {
    this.dir = dir;
    this.certFile = certFile;
  }

  static TestCertificateAuthority create(Path dir) throws Exception {
    Files.createDirectories(dir);
    genkeypair(dir, CA, "CN=vxconnect test CA, O=vxconnect tests", "bc:c");
    Path certFile = dir.resolve("ca.pem");
    Files.writeString(certFile, pem("CERTIFICATE", store(dir, CA).getCertificate(CA).getEncoded()));
    return new TestCertificateAuthority(dir, certFile);
  }

  /** A client certificate for {@code dname}, with {@code sans} (keytool's syntax), signed by the CA. */
  ClientCertificate issue(String name, String dname, String sans) throws Exception {
    genkeypair(dir, name, dname, null);
    Path request = dir.resolve(name + ".csr");
    Path certFile = dir.resolve(name + ".pem");
    keytool(
        List.of("-certreq", "-alias", name, "-file", request.toString()),
        dir.resolve(name + ".p12"));
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-alias",
                CA,
                "-infile",
                request.toString(),
                "-outfile",
                certFile.toString(),
                "-rfc",
                "-validity",
                "2",
                "-ext",
                "EKU=clientAuth"));
    if (sans != null) {
      gencert.add("-ext");
      gencert.add("SAN=" + sans);
    }
    keytool(gencert, dir.resolve(CA + ".p12"));
    return new ClientCertificate(certFile, privateKey(dir, name));
  }

  /** A self-signed client certificate for {@code dname}: signed by no CA the server trusts. */
  static ClientCertificate selfSigned(Path dir, String name, String dname) throws Exception {
    Files.createDirectories(dir);
    genkeypair(dir, name, dname, null);
    Path certFile = dir.resolve(name + ".pem");
    Files.writeString(
        certFile, pem("CERTIFICATE", store(dir, name).getCertificate(name).getEncoded()));
    return new ClientCertificate(certFile, privateKey(dir, name));
  }

  private static void genkeypair(Path dir, String alias, String dname, String extension)
      throws IOException, InterruptedException {
    Keytool.keyPair(
        dir.resolve(alias + ".p12"),
        alias,
        dname,
        Keytool.EC,
        extension == null ? List.of() : List.of(extension));
  }

  private static Path privateKey(Path dir, String alias) throws Exception {
    Path keyFile = dir.resolve(alias + "-key.pem");
    Files.writeString(
        keyFile,
        pem(
            "PRIVATE KEY",
            store(dir, alias).getKey(alias, Keytool.PASSWORD.toCharArray()).getEncoded()));
    return keyFile;
  }

  private static KeyStore store(Path dir, String alias) throws Exception {
    return Keytool.load(dir.resolve(alias + ".p12"));
  }

  private static void keytool(List<String> args, Path keyStore)
      throws IOException, InterruptedException {
    Keytool.run(keyStore, args);
  }

  private static String pem(String type, byte[] der) {
    return Keytool.pem(type, der);
  }
}
