package dev.vxconnect.server.auth;

import static dev.vxconnect.server.auth.AuthInputs.conf;
import static dev.vxconnect.server.auth.AuthInputs.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private static final TokenTable TOKENS =
      TokenTable.parse(List.of("alice a-token", "bob b-token"), "test");

  private static HttpConnection from(String ip) {
    SocketAddress address = SocketAddress.inetSocketAddress(40000, ip);
    return (HttpConnection)
        Proxy.newProxyInstance(
            AuthenticatorTest.class.getClassLoader(),
            new Class<?>[] {HttpConnection.class},
            (proxy, method, args) -> method.getName().equals("remoteAddress") ? address : null);
  }

  private static AuthOptions auth(String... pairs) {
    return AuthOptions.from(conf(pairs));
  }

  private static TlsOptions tls(String... pairs) {
    return TlsOptions.from(conf(pairs));
  }

  private static Authenticator plain(AuthOptions auth, boolean allowInsecure) {
    return new Authenticator(
        auth,
        TOKENS,
        Optional.empty(),
        tls("vxconnect.tls.allowInsecure", Boolean.toString(allowInsecure)));
  }

  @Test
  void withoutTokensAnyoneOnLoopbackMayActAsAnyUser() {
    Caller caller =
        plain(auth(), false).authenticate(headers(), from("127.0.0.1"), Optional.empty());
    assertThat(caller.bindings()).isEmpty();
    assertThat(caller.mayActAs("whoever")).isTrue();
    // Authentication alone never makes a call forwarded, whatever its headers say (CallGuard
    // trusts a valid seal only).
    assertThat(
            plain(auth(), false)
                .authenticate(headers("vxconnect-forwarded", "1"), from("::1"), Optional.empty())
                .forwarded())
        .isFalse();
  }

  @Test
  void plaintextFromAnotherHostNeedsTlsOrPermission() {
    assertThatThrownBy(
            () -> plain(auth(), false).authenticate(headers(), from("192.0.2.7"), Optional.empty()))
        .isInstanceOf(Authenticator.Refused.class)
        .hasMessageContaining("without TLS");
    assertThat(
            plain(auth(), true)
                .authenticate(headers(), from("192.0.2.7"), Optional.empty())
                .bindings())
        .isEmpty();
    Authenticator tls =
        new Authenticator(
            auth(),
            TOKENS,
            Optional.empty(),
            tls("vxconnect.tls.certFile", "c.pem", "vxconnect.tls.keyFile", "k.pem"));
    assertThat(tls.authenticate(headers(), from("192.0.2.7"), Optional.empty()).bindings())
        .isEmpty();
  }

  @Test
  void tokensAreRequiredOnceConfigured() {
    Authenticator auth = plain(auth("vxconnect.auth.tokensFile", "tokens"), false);
    assertThatThrownBy(() -> auth.authenticate(headers(), from("127.0.0.1"), Optional.empty()))
        .hasMessage("No authentication token provided");
    assertThatThrownBy(
            () ->
                auth.authenticate(
                    headers("Authorization", "Bearer nope"), from("127.0.0.1"), Optional.empty()))
        .hasMessage("Invalid authentication token");
    assertThatThrownBy(
            () ->
                auth.authenticate(
                    headers("Authorization", "a-token"), from("127.0.0.1"), Optional.empty()))
        .as("without the Bearer scheme")
        .hasMessage("Invalid authentication token");
    assertThatThrownBy(
            () ->
                auth.authenticate(
                    headers("Authorization", "Bearer "), from("127.0.0.1"), Optional.empty()))
        .hasMessage("Invalid authentication token");
  }

  @Test
  void aTokenFromTheFileActsOnlyAsItsUserInEitherHeader() {
    Authenticator auth = plain(auth("vxconnect.auth.tokensFile", "tokens"), false);
    Caller alice =
        auth.authenticate(
            headers("Authorization", "Bearer a-token"), from("127.0.0.1"), Optional.empty());
    assertThat(alice.bindings()).extracting(Caller.Binding::user).containsExactly("alice");
    assertThat(alice.mayActAs("alice")).isTrue();
    assertThat(alice.mayActAs("bob")).isFalse();
    assertThat(alice.mayActAs("")).isFalse();
    Caller bob =
        auth.authenticate(
            headers("authentication", "bearer b-token"), from("127.0.0.1"), Optional.empty());
    assertThat(bob.bindings()).extracting(Caller.Binding::user).containsExactly("bob");
    assertThat(bob.credentials()).containsEntry("authentication", "bearer b-token");
    // A proxy's own Authorization next to the client's Authentication: the valid one counts.
    Caller behindProxy =
        auth.authenticate(
            headers("Authorization", "Basic eHg6eXk=", "Authentication", "Bearer a-token"),
            from("127.0.0.1"),
            Optional.empty());
    assertThat(behindProxy.bindings()).extracting(Caller.Binding::user).containsExactly("alice");
  }

  @Test
  void thePreSharedTokenMayActAsAnyUser() {
    Authenticator auth =
        plain(
            auth(
                "spark.connect.authenticate.token",
                "shared",
                "vxconnect.auth.tokensFile",
                "tokens"),
            false);
    Caller shared =
        auth.authenticate(
            headers("Authorization", "Bearer shared"), from("127.0.0.1"), Optional.empty());
    assertThat(shared.bindings()).isEmpty();
    assertThat(shared.mayActAs("carol")).isTrue();
    assertThat(
            auth.authenticate(
                    headers("Authorization", "Bearer a-token"), from("127.0.0.1"), Optional.empty())
                .bindings())
        .extracting(Caller.Binding::user)
        .containsExactly("alice");
  }
}
