package dev.vxconnect.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Authorization headers the admin token lets in. */
class AdminAccessTest {

  private static final String TOKEN = "s3cret-token";

  private final AdminAccess access = new AdminAccess(Optional.of(TOKEN));

  @Test
  void withoutATokenEveryRequestIsServed() {
    AdminAccess open = new AdminAccess(Optional.empty());
    assertThat(open.allows(null)).isTrue();
    assertThat(open.allows("Bearer anything")).isTrue();
    assertThat(open.authorization()).isEmpty();
  }

  @Test
  void theTokenAsBearerIsServedAndSentToPeers() {
    assertThat(access.allows("Bearer " + TOKEN)).isTrue();
    assertThat(access.allows("bearer " + TOKEN)).as("the scheme is case-insensitive").isTrue();
    assertThat(access.authorization()).contains("Bearer " + TOKEN);
  }

  @Test
  void theTokenAsTheBasicPasswordIsServedWhateverTheUser() {
    assertThat(access.allows(basic("admin:" + TOKEN))).isTrue();
    assertThat(access.allows(basic(":" + TOKEN))).isTrue();
  }

  @Test
  void anythingElseIsRefused() {
    assertThat(access.allows(null)).isFalse();
    assertThat(access.allows("")).isFalse();
    assertThat(access.allows(TOKEN)).as("no scheme").isFalse();
    assertThat(access.allows("Bearer " + TOKEN + "x")).isFalse();
    assertThat(access.allows("Bearer " + TOKEN.substring(1))).isFalse();
    assertThat(access.allows("Bearer ")).isFalse();
    assertThat(access.allows("Token " + TOKEN)).as("an unknown scheme").isFalse();
    assertThat(access.allows(basic(TOKEN + ":admin"))).as("the token as user name").isFalse();
    assertThat(access.allows(basic(TOKEN))).as("no password").isFalse();
    assertThat(access.allows("Basic not*base64")).isFalse();
    assertThat(access.allows("Bearer " + TOKEN + " ".repeat(9000))).as("too long").isFalse();
  }

  private static String basic(String userPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
  }
}
