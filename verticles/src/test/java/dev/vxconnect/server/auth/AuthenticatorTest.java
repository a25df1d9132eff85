package dev.vxconnect.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.server.AuthOptions;
import dev.vxconnect.server.TlsOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private static final TokenTable TOKENS = TokenTable.parse(List.of("alice a-token", "bob b-token"), "test");

  private static HttpConnection from(String ip) {
    SocketAddress address = SocketAddress.inetSocketAddress(40000, ip);
    return (HttpConnection) Proxy.newProxyInstance(AuthenticatorTest.class.getClassLoader(),
        new Class<?>[] {HttpConnection.class},
        (proxy, method, args) -> method.getName().equals("remoteAddress") ? address : null);
  }

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  private static Authenticator plain(AuthOptions auth, boolean allowInsecure) {
    return new Authenticator(auth, TOKENS, Optional.empty(), new TlsOptions().setAllowInsecure(allowInsecure));
  }

  @Test
  void withoutTokensAnyoneOnLoopbackMayActAsAnyUser() {
    Caller caller = plain(new AuthOptions(), false).authenticate(headers(), from("127.0.0.1"), false);
    assertThat(caller.user()).isEmpty();
    assertThat(caller.mayActAs("whoever")).isTrue();
    assertThat(plain(new AuthOptions(), false).authenticate(headers(), from("::1"), true).forwarded()).isTrue();
  }

  @Test
  void plaintextFromAnotherHostNeedsTlsOrPermission() {
    assertThatThrownBy(() -> plain(new AuthOptions(), false).authenticate(headers(), from("192.0.2.7"), false))
        .isInstanceOf(Authenticator.Refused.class).hasMessageContaining("without TLS");
    assertThat(plain(new AuthOptions(), true).authenticate(headers(), from("192.0.2.7"), false).user()).isEmpty();
    Authenticator tls = new Authenticator(new AuthOptions(), TOKENS, Optional.empty(),
        new TlsOptions().setCertFile(Path.of("c.pem")).setKeyFile(Path.of("k.pem")));
    assertThat(tls.authenticate(headers(), from("192.0.2.7"), false).user()).isEmpty();
  }

  @Test
  void tokensAreRequiredOnceConfigured() {
    Authenticator auth = plain(new AuthOptions().setTokensFile(Path.of("tokens")), false);
    assertThatThrownBy(() -> auth.authenticate(headers(), from("127.0.0.1"), false))
        .hasMessage("No authentication token provided");
    assertThatThrownBy(() -> auth.authenticate(headers("Authorization", "Bearer nope"), from("127.0.0.1"), false))
        .hasMessage("Invalid authentication token");
    assertThatThrownBy(() -> auth.authenticate(headers("Authorization", "a-token"), from("127.0.0.1"), false))
        .as("without the Bearer scheme").hasMessage("Invalid authentication token");
    assertThatThrownBy(() -> auth.authenticate(headers("Authorization", "Bearer "), from("127.0.0.1"), false))
        .hasMessage("Invalid authentication token");
  }

  @Test
  void aTokenFromTheFileActsOnlyAsItsUserInEitherHeader() {
    Authenticator auth = plain(new AuthOptions().setTokensFile(Path.of("tokens")), false);
    Caller alice = auth.authenticate(headers("Authorization", "Bearer a-token"), from("127.0.0.1"), false);
    assertThat(alice.user()).contains("alice");
    assertThat(alice.mayActAs("alice")).isTrue();
    assertThat(alice.mayActAs("bob")).isFalse();
    assertThat(alice.mayActAs("")).isFalse();
    Caller bob = auth.authenticate(headers("authentication", "bearer b-token"), from("127.0.0.1"), false);
    assertThat(bob.user()).contains("bob");
    assertThat(bob.credentials()).containsEntry("authentication", "bearer b-token");
    // A proxy's own Authorization next to the client's Authentication: the valid one counts.
    Caller behindProxy = auth.authenticate(headers("Authorization", "Basic eHg6eXk=", "Authentication",
        "Bearer a-token"), from("127.0.0.1"), false);
    assertThat(behindProxy.user()).contains("alice");
  }

  @Test
  void thePreSharedTokenMayActAsAnyUser() {
    Authenticator auth = plain(new AuthOptions().setToken("shared").setTokensFile(Path.of("tokens")), false);
    Caller shared = auth.authenticate(headers("Authorization", "Bearer shared"), from("127.0.0.1"), false);
    assertThat(shared.user()).isEqualTo(Optional.empty());
    assertThat(shared.mayActAs("carol")).isTrue();
    assertThat(auth.authenticate(headers("Authorization", "Bearer a-token"), from("127.0.0.1"), false).user())
        .contains("alice");
  }
}
