package dev.vxconnect.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer tokens that are JWTs (JWS compact form), checked against public keys read at start from
 * a JWKS file or a PEM public key: an RSA or EC signature (never "none", never a shared secret),
 * not expired (and not before its time), with the configured issuer and audience. The caller is
 * the user named by the configured claim ({@code sub} by default). Verifying is CPU work only (no
 * key fetching): it runs on the event loop like the other token checks.
 */
public final class JwtVerifier {

  /** Asymmetric algorithms only: a token signed with a shared secret would be a password. */
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Clock difference tolerated between the token's issuer and this server, in seconds. */
  private static final int CLOCK_SKEW_SECONDS = 60;

  private static final Pattern PEM_BLOCK =
      Pattern.compile(
          "-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final String userClaim;
  private final int keys;

  private JwtVerifier(JWKSet keySet, String issuer, String audience, String userClaim) {
    this.userClaim = userClaim;
    this.keys = keySet.size();
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(keySelector(keySet));
    Set<String> required = new HashSet<>(List.of("exp", userClaim));
    if (issuer != null) {
      required.add("iss");
    }
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audience == null
                ? null
                : new HashSet<>(List.of(audience)), // mutable: the verifier asks it for null
            issuer == null ? null : new JWTClaimsSet.Builder().issuer(issuer).build(),
            required,
            null);
    claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claims);
  }

  /**
   * The keys a token's header names (algorithm, key id). Keys without an id (a PEM file's) also
   * serve tokens that name an id: issuers set one, and a PEM file cannot say it.
   */
  private static JWSKeySelector<SecurityContext> keySelector(JWKSet keySet) {
    JWSVerificationKeySelector<SecurityContext> named =
        new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keySet));
    JWKSet withoutIds =
        new JWKSet(keySet.getKeys().stream().filter(k -> k.getKeyID() == null).toList());
    JWSVerificationKeySelector<SecurityContext> unnamed =
        new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(withoutIds));
    return (header, context) -> {
      List<? extends Key> keys = named.selectJWSKeys(header, context);
      if (!keys.isEmpty() || header.getKeyID() == null || withoutIds.isEmpty()) {
        return keys;
      }
      return unnamed.selectJWSKeys(new JWSHeader.Builder(header).keyID(null).build(), context);
    };
  }

  /**
   * Reads the keys of {@code keysFile}: a JWKS document ({@code {"keys": [...]}}) or PEM public
   * keys / certificates (RSA or EC). Only public keys are kept.
   *
   * @throws IllegalArgumentException naming the file if it holds no usable key
   */
  public static JwtVerifier read(Path keysFile, String issuer, String audience, String userClaim) {
    String text;
    try {
      text = Files.readString(keysFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the JWT keys file " + keysFile, e);
    }
    JWKSet keySet;
    try {
      keySet =
          text.stripLeading().startsWith("{")
              ? JWKSet.parse(text).toPublicJWKSet()
              : new JWKSet(pemPublicKeys(text));
    } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The JWT keys file "
              + keysFile
              + " is neither a JWKS document nor a PEM public key: "
              + e.getMessage(),
          e);
    }
    if (keySet.isEmpty()) {
      throw new IllegalArgumentException("The JWT keys file " + keysFile + " holds no public key");
    }
    return new JwtVerifier(keySet, issuer, audience, userClaim);
  }

  /**
   * The RSA and EC public keys of PEM {@code PUBLIC KEY} and {@code CERTIFICATE} blocks, read with
   * the JDK alone (the JOSE library's own PEM reader needs BouncyCastle).
   */
  private static List<JWK> pemPublicKeys(String pem) throws GeneralSecurityException {
    List<JWK> keys = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(pem);
    while (block.find()) {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      PublicKey key =
          block.group(1).equals("CERTIFICATE")
              ? CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der))
                  .getPublicKey()
              : publicKey(der);
      if (key instanceof RSAPublicKey rsa) {
        keys.add(new RSAKey.Builder(rsa).build());
      } else if (key instanceof ECPublicKey ec) {
        keys.add(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build());
      } else {
        throw new GeneralSecurityException(
            "a " + key.getAlgorithm() + " key: only RSA and EC keys sign JWTs here");
      }
    }
    return keys;
  }

  private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePublic(spec);
    }
  }

  /** The user a valid JWT names; empty for anything else (not a JWT, bad signature, expired...). */
  public Optional<String> userOf(String token) {
    if (token.chars().filter(c -> c == '.').count() != 2) {
      return Optional.empty();
    }
    try {
      Object user = processor.process(token, null).getClaim(userClaim);
      return user instanceof String name && !name.isBlank() ? Optional.of(name) : Optional.empty();
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "JWT(" + keys + " key(s), user claim " + userClaim + ")";
  }
}
