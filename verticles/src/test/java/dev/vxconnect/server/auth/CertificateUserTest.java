package dev.vxconnect.server.auth;

import static dev.vxconnect.server.auth.AuthInputs.conf;
import static dev.vxconnect.server.auth.AuthInputs.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.CertificateUserField;
import dev.vxconnect.server.config.Conf;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user a client certificate names, for each {@code vxconnect.auth.mtls.userFrom}, on
 * certificates made by keytool; and how {@link Authenticator} binds it next to a token.
 */
class CertificateUserTest {

  @TempDir static Path dir;

  /** CN=alice, and one SAN of each type naming alice. */
  private static X509Certificate alice;

  /** Neither a CN nor a SAN. */
  private static X509Certificate anonymous;

  /** Two CNs, two SANs of each type. */
  private static X509Certificate twoOfEach;

  /** A multi-valued RDN holding the CN. */
  private static X509Certificate multiValued;

  @BeforeAll
  static void makeCertificates() throws Exception {
    // Each keytool run is a JVM start: two at a time.
    ExecutorService keytool = Executors.newFixedThreadPool(2);
    try {
      Future<X509Certificate> two =
          keytool.submit(
              () ->
                  KeytoolCertificates.make(
                      dir,
                      "two",
                      "CN=alice, CN=bob, O=Example",
                      "email:alice@example.com,email:bob@example.com,dns:a.example.com,"
                          + "dns:b.example.com,uri:spiffe://example.com/a,uri:spiffe://example.com/b"));
      Future<X509Certificate> multi =
          keytool.submit(
              () ->
                  KeytoolCertificates.make(
                      dir, "multi", "CN=carol+OU=Engineering, O=Example", null));
      alice =
          KeytoolCertificates.make(
              dir,
              "alice",
              "CN=alice, OU=Engineering, O=Example",
              "email:alice@example.com,dns:alice.example.com,uri:spiffe://example.com/alice,"
                  + "ip:192.0.2.1");
      anonymous = KeytoolCertificates.make(dir, "anonymous", "OU=Engineering, O=Example", null);
      twoOfEach = two.get();
      multiValued = multi.get();
    } finally {
      keytool.shutdownNow();
    }
  }

  private static String user(CertificateUserField field, X509Certificate certificate) {
    return new CertificateUser(field).userOf(certificate);
  }

  @Test
  void eachFieldNamesTheUserWhole() {
    assertThat(user(CertificateUserField.CN, alice)).isEqualTo("alice");
    assertThat(user(CertificateUserField.SAN_EMAIL, alice)).isEqualTo("alice@example.com");
    assertThat(user(CertificateUserField.SAN_DNS, alice)).isEqualTo("alice.example.com");
    assertThat(user(CertificateUserField.SAN_URI, alice)).isEqualTo("spiffe://example.com/alice");
    assertThat(user(CertificateUserField.CN, multiValued)).isEqualTo("carol");
  }

  @Test
  void aCertificateWithoutTheFieldNamesNoUser() {
    assertThatThrownBy(() -> user(CertificateUserField.CN, anonymous))
        .isInstanceOf(Authenticator.Refused.class)
        .hasMessageContaining("has no subject CN")
        .hasMessageContaining("vxconnect.auth.mtls.userFrom=cn");
    assertThatThrownBy(() -> user(CertificateUserField.SAN_EMAIL, anonymous))
        .hasMessageContaining("has no email SAN");
    // A SAN of another type does not count.
    assertThatThrownBy(() -> user(CertificateUserField.SAN_DNS, multiValued))
        .hasMessageContaining("has no DNS SAN");
  }

  @Test
  void aCertificateNamingSeveralUsersNamesNone() {
    assertThatThrownBy(() -> user(CertificateUserField.CN, twoOfEach))
        .isInstanceOf(Authenticator.Refused.class)
        .hasMessageContaining("has 2 values of its subject CN")
        .hasMessageContaining("needs exactly one");
    for (CertificateUserField san :
        List.of(
            CertificateUserField.SAN_EMAIL,
            CertificateUserField.SAN_DNS,
            CertificateUserField.SAN_URI)) {
      assertThatThrownBy(() -> user(san, twoOfEach))
          .as(san.key())
          .hasMessageContaining("has 2 values of its " + san.label());
    }
  }

  @Test
  void theSettingNeedsClientCertificatesAndAKnownField() {
    assertThatThrownBy(() -> AuthOptions.from(conf("vxconnect.auth.mtls.userFrom", "cn")))
        .hasMessageContaining("needs client certificates, vxconnect.tls.clientCaFile");
    assertThatThrownBy(
            () ->
                AuthOptions.from(
                    conf(
                        "vxconnect.auth.mtls.userFrom",
                        "subject",
                        "vxconnect.tls.clientCaFile",
                        "ca.pem")))
        .hasMessageContaining("expected one of cn, san-email, san-dns, san-uri");
    assertThat(
            AuthOptions.from(
                    conf(
                        "vxconnect.auth.mtls.userFrom",
                        " SAN-Email ",
                        "vxconnect.tls.clientCaFile",
                        "ca.pem"))
                .certificateUser())
        .contains(CertificateUserField.SAN_EMAIL);
  }

  @Test
  void theCertificateAloneBindsTheCallToItsUser() {
    Authenticator auth = authenticator(false);
    Caller caller = auth.authenticate(headers(), presenting(alice), Optional.empty());
    assertThat(caller.mayActAs("alice")).isTrue();
    assertThat(caller.mayActAs("bob")).isFalse();
    assertThat(caller.whyNot("bob"))
        .isEqualTo(
            "The caller is not allowed to act as user 'bob': user_context.user_id must be 'alice',"
                + " the user its client certificate names (subject CN)");
    assertThatThrownBy(() -> auth.authenticate(headers(), presenting(anonymous), Optional.empty()))
        .isInstanceOf(Authenticator.Refused.class)
        .hasMessageContaining("has no subject CN");
    assertThatThrownBy(() -> auth.authenticate(headers(), presenting(null), Optional.empty()))
        .isInstanceOf(Authenticator.Refused.class)
        .hasMessage("No client certificate: this server requires one");
  }

  @Test
  void withTokensACallNeedsBothNamingOneUser() {
    Authenticator auth = authenticator(true);
    assertThatThrownBy(() -> auth.authenticate(headers(), presenting(alice), Optional.empty()))
        .as("the certificate does not replace the token")
        .hasMessage("No authentication token provided");
    Caller both =
        auth.authenticate(
            headers("Authorization", "Bearer a-token"), presenting(alice), Optional.empty());
    assertThat(both.mayActAs("alice")).isTrue();
    Caller mixed =
        auth.authenticate(
            headers("Authorization", "Bearer b-token"), presenting(alice), Optional.empty());
    assertThat(mixed.mayActAs("alice")).isFalse();
    assertThat(mixed.mayActAs("bob")).isFalse();
    assertThat(mixed.whyNot("bob"))
        .endsWith("must be 'alice', the user its client certificate names (subject CN)");
    assertThat(mixed.whyNot("alice")).endsWith("must be 'bob', the user its token is bound to");
    assertThat(mixed.whyNot("carol"))
        .endsWith(
            "must be 'alice', the user its client certificate names (subject CN), and 'bob', the"
                + " user its token is bound to");
  }

  @Test
  void aCallForwardedWithAValidSealTakesTheSealsUser() {
    // The connection's certificate is the forwarding instance's (here: one naming no user); the
    // forwarding instance mapped its client's certificate and sealed the call for that user.
    Caller.ForwardedFor sealed = new Caller.ForwardedFor("alice", "session-1");
    Caller forwarded =
        authenticator(false).authenticate(headers(), presenting(anonymous), Optional.of(sealed));
    assertThat(forwarded.forwardedFor()).contains(sealed);
    assertThat(forwarded.bindings()).isEmpty();
  }

  private static Authenticator authenticator(boolean tokens) {
    Conf conf =
        tokens
            ? conf(
                "vxconnect.auth.mtls.userFrom",
                "cn",
                "vxconnect.tls.clientCaFile",
                "ca.pem",
                "vxconnect.auth.tokensFile",
                "tokens")
            : conf("vxconnect.auth.mtls.userFrom", "cn", "vxconnect.tls.clientCaFile", "ca.pem");
    return new Authenticator(
        AuthOptions.from(conf),
        TokenTable.parse(List.of("alice a-token", "bob b-token"), "test"),
        Optional.empty(),
        TlsOptions.from(
            conf(
                "vxconnect.tls.certFile",
                "c.pem",
                "vxconnect.tls.keyFile",
                "k.pem",
                "vxconnect.tls.clientCaFile",
                "ca.pem")));
  }

  /** A TLS connection from another host whose client presented {@code certificate} (null: none). */
  private static HttpConnection presenting(X509Certificate certificate) {
    SocketAddress address = SocketAddress.inetSocketAddress(40000, "192.0.2.7");
    return (HttpConnection)
        Proxy.newProxyInstance(
            CertificateUserTest.class.getClassLoader(),
            new Class<?>[] {HttpConnection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "remoteAddress" -> address;
                  case "isSsl" -> true;
                  case "peerCertificates" -> {
                    if (certificate == null) {
                      throw new SSLPeerUnverifiedException("peer not authenticated");
                    }
                    yield List.of(certificate);
                  }
                  default -> null;
                });
  }
}
