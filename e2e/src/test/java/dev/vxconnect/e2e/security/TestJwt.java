package dev.vxconnect.e2e.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

/**
 * An RSA key pair standing in for an identity provider: its public key as a PEM file for the
 * server (vxconnect.auth.jwt.keysFile), and RS256 JWTs signed with the JDK alone.
 */
final class TestJwt {

  static final String ISSUER = "https://idp.test";
  static final String AUDIENCE = "vxconnect-e2e";

  private final KeyPair keys;

  private TestJwt(KeyPair keys) {
    this.keys = keys;
  }

  static TestJwt create() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return new TestJwt(generator.generateKeyPair());
  }

  /** Writes the public key as PEM to {@code file}. */
  Path writePublicKey(Path file) throws IOException {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    return Files.writeString(file, pem);
  }

  /** A token for {@code user} from {@link #ISSUER} to {@link #AUDIENCE}, expiring {@code expiresInSeconds} from now. */
  String token(String user, long expiresInSeconds) throws GeneralSecurityException {
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"e2e-key\"}";
    String claims =
        "{\"sub\":\""
            + user
            + "\",\"iss\":\""
            + ISSUER
            + "\",\"aud\":\""
            + AUDIENCE
            + "\",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + expiresInSeconds)
            + "}";
    String signingInput =
        base64Url(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64Url(claims.getBytes(StandardCharsets.UTF_8));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(keys.getPrivate());
    rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + base64Url(rs256.sign());
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
