package dev.vxconnect.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's keytool, for the certificates tests make at test time: key pairs in PKCS#12 stores
 * (all with {@link #PASSWORD}), and PEM as the server and grpc-java read it.
 */
public final class Keytool {

  public static final String PASSWORD = "changeit";

  /** Elliptic-curve keys: quick to make. */
  public static final List<String> EC = List.of("-keyalg", "EC", "-groupname", "secp256r1");

  /** RSA keys, for what needs them. */
  public static final List<String> RSA = List.of("-keyalg", "RSA", "-keysize", "2048");

  private Keytool() {}

  /**
   * Adds to {@code keyStore} (created if absent) a key pair of {@code keyAlgorithm} ({@link #EC},
   * {@link #RSA}) under {@code alias}, with a self-signed certificate for {@code dname}, valid two
   * days, with each of {@code extensions} (keytool's {@code -ext} syntax, e.g. {@code SAN=dns:x}).
   */
  public static void keyPair(
      Path keyStore, String alias, String dname, List<String> keyAlgorithm, List<String> extensions)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias));
    args.addAll(keyAlgorithm);
    args.addAll(List.of("-validity", "2", "-dname", dname));
    for (String extension : extensions) {
      args.add("-ext");
      args.add(extension);
    }
    run(keyStore, args);
  }

  /** Runs keytool's command {@code args} on {@code keyStore}. */
  public static void run(Path keyStore, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // Half the CPU of a default start, for a second's work.
    command.add("-J-XX:TieredStopAtLevel=1");
    command.add("-J-XX:+UseSerialGC");
    command.addAll(args);
    command.addAll(
        List.of(
            "-keystore",
            keyStore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + args.get(0) + " failed: " + output);
    }
  }

  /** The PKCS#12 store {@code keyStore}, loaded. */
  public static KeyStore load(Path keyStore) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  /** {@code der} as PEM of {@code type} ("CERTIFICATE", "PRIVATE KEY"). */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
