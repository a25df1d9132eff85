package dev.vxconnect.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.Conf;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWTs signed with keys generated here, checked against a JWKS file and a PEM public key. */
class JwtVerifierTest {

  private static final String ISSUER = "https://issuer.example";
  private static final String AUDIENCE = "vxconnect";

  @TempDir static Path temp;
  private static RSAKey rsa;
  private static ECKey ec;
  private static JwtVerifier verifier;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    // Private parts in the file are ignored: only public keys are kept.
    Path jwks =
        Files.writeString(
            temp.resolve("jwks.json"), new JWKSet(List.of(rsa, ec.toPublicJWK())).toString(false));
    verifier = JwtVerifier.read(jwks, ISSUER, AUDIENCE, "sub");
  }

  private static JWTClaimsSet.Builder claims(String user) {
    return new JWTClaimsSet.Builder()
        .subject(user)
        .issuer(ISSUER)
        .audience(List.of(AUDIENCE, "other"))
        .expirationTime(new Date(System.currentTimeMillis() + 600_000));
  }

  private static String rsaSigned(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aValidTokenNamesItsUser() throws Exception {
    assertThat(verifier.userOf(rsaSigned(claims("alice").build(), rsa))).contains("alice");
    SignedJWT byEc =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims("bob").build());
    byEc.sign(new ECDSASigner(ec));
    assertThat(verifier.userOf(byEc.serialize())).contains("bob");
  }

  @Test
  void anythingElseNamesNoUser() throws Exception {
    long now = System.currentTimeMillis();
    assertThat(
            verifier.userOf(
                rsaSigned(claims("alice").expirationTime(new Date(now - 120_000)).build(), rsa)))
        .as("expired beyond the clock skew")
        .isEmpty();
    assertThat(
            verifier.userOf(
                rsaSigned(claims("alice").notBeforeTime(new Date(now + 120_000)).build(), rsa)))
        .as("not valid yet")
        .isEmpty();
    assertThat(
            verifier.userOf(rsaSigned(claims("alice").issuer("https://evil.example").build(), rsa)))
        .as("another issuer")
        .isEmpty();
    assertThat(verifier.userOf(rsaSigned(claims("alice").audience("someone-else").build(), rsa)))
        .as("another audience")
        .isEmpty();
    assertThat(verifier.userOf(rsaSigned(claims("alice").expirationTime(null).build(), rsa)))
        .as("no expiry")
        .isEmpty();
    assertThat(verifier.userOf(rsaSigned(claims(null).build(), rsa))).as("no user").isEmpty();
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    assertThat(verifier.userOf(rsaSigned(claims("alice").build(), stranger)))
        .as("signed by another key with a known key id")
        .isEmpty();
    assertThat(verifier.userOf(new PlainJWT(claims("alice").build()).serialize()))
        .as("alg none")
        .isEmpty();
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("alice").build());
    hmac.sign(
        new MACSigner(Base64.getDecoder().decode("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=")));
    assertThat(verifier.userOf(hmac.serialize())).as("a shared-secret signature").isEmpty();
    String valid = rsaSigned(claims("alice").build(), rsa);
    String[] parts = valid.split("\\.");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    claims("mallory").build().toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(verifier.userOf(forged)).as("claims changed after signing").isEmpty();
    assertThat(verifier.userOf("a-token")).isEmpty();
    assertThat(verifier.userOf("a.b.c")).isEmpty();
  }

  @Test
  void aPemPublicKeyAndAnotherUserClaimWork() throws Exception {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(rsa.toPublicKey().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    JwtVerifier fromPem =
        JwtVerifier.read(Files.writeString(temp.resolve("key.pem"), pem), null, null, "email");
    String token =
        rsaSigned(
            new JWTClaimsSet.Builder()
                .claim("email", "carol@example.com")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .build(),
            rsa);
    assertThat(fromPem.userOf(token)).contains("carol@example.com");
  }

  @Test
  void aFileWithoutKeysStopsTheStart() throws Exception {
    Path empty = Files.writeString(temp.resolve("empty.json"), "{\"keys\": []}");
    assertThatThrownBy(() -> JwtVerifier.read(empty, null, null, "sub"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no public key");
    Path junk = Files.writeString(temp.resolve("junk.pem"), "not a key");
    assertThatThrownBy(() -> JwtVerifier.read(junk, null, null, "sub"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(junk.toString());
  }

  @Test
  void theAuthenticatorBindsAJwtToItsUser() throws Exception {
    Authenticator auth =
        new Authenticator(
            AuthOptions.from(
                new Conf(
                    Map.of("vxconnect.auth.jwt.keysFile", temp.resolve("jwks.json").toString()))),
            TokenTable.empty(),
            Optional.of(verifier),
            TlsOptions.from(new Conf(Map.of())));
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Authorization", "Bearer " + rsaSigned(claims("alice").build(), rsa));
    Caller alice = auth.authenticate(headers, loopback(), Optional.empty());
    assertThat(alice.bindings()).extracting(Caller.Binding::user).containsExactly("alice");
    assertThat(alice.mayActAs("alice")).isTrue();
    assertThat(alice.mayActAs("bob")).isFalse();
    MultiMap expired =
        MultiMap.caseInsensitiveMultiMap()
            .add(
                "Authorization",
                "Bearer "
                    + rsaSigned(
                        claims("alice")
                            .expirationTime(new Date(System.currentTimeMillis() - 120_000))
                            .build(),
                        rsa));
    assertThatThrownBy(() -> auth.authenticate(expired, loopback(), Optional.empty()))
        .hasMessage("Invalid authentication token");
  }

  private static HttpConnection loopback() {
    SocketAddress address = SocketAddress.inetSocketAddress(40000, "127.0.0.1");
    return (HttpConnection)
        Proxy.newProxyInstance(
            JwtVerifierTest.class.getClassLoader(),
            new Class<?>[] {HttpConnection.class},
            (proxy, method, args) -> method.getName().equals("remoteAddress") ? address : null);
  }
}
