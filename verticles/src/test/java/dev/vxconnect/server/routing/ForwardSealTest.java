package dev.vxconnect.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.server.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ForwardSealTest {

  private static final ClusterSecret SECRET = new ClusterSecret("a-test-secret-of-the-cluster");
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private static ForwardSeal instance(ClusterSecret secret, String self, Instant now) {
    return ForwardSeal.of(secret, self, Clock.fixed(now, ZoneOffset.UTC));
  }

  /** A seal that instance a makes for a call to instance b. */
  private static String sealedByA() {
    return instance(SECRET, "a", NOW).seal("ExecutePlan", "b", "alice", "session-1");
  }

  @Test
  void theInstanceItWasSealedForTrustsItForItsUserAndSession() {
    ForwardSeal.Verdict verdict = instance(SECRET, "b", NOW).check(sealedByA(), "ExecutePlan");
    assertThat(verdict.trusted()).contains(new Caller.ForwardedFor("alice", "session-1"));
  }

  @Test
  void eachSealIsDifferent() {
    assertThat(sealedByA()).isNotEqualTo(sealedByA());
  }

  @Test
  void anotherSecretIsRefused() {
    ForwardSeal other = instance(new ClusterSecret("another-secret-entirely"), "b", NOW);
    assertThat(other.check(sealedByA(), "ExecutePlan").trusted()).isEmpty();
    assertThat(other.check(sealedByA(), "ExecutePlan").reason()).contains("does not match");
  }

  @Test
  void anotherInstanceOrMethodIsRefused() {
    assertThat(instance(SECRET, "c", NOW).check(sealedByA(), "ExecutePlan").trusted()).isEmpty();
    assertThat(instance(SECRET, "b", NOW).check(sealedByA(), "AnalyzePlan").trusted()).isEmpty();
  }

  @Test
  void aTamperedFieldIsRefused() {
    String[] parts = sealedByA().split("\\.", -1);
    ForwardSeal b = instance(SECRET, "b", NOW);
    for (int field = 1; field < parts.length; field++) {
      String[] tampered = parts.clone();
      tampered[field] =
          field == 1
              ? Long.toString(Long.parseLong(parts[1]) + 1)
              : Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(("x" + field).getBytes(StandardCharsets.UTF_8));
      assertThat(b.check(String.join(".", tampered), "ExecutePlan").trusted())
          .as("field %d changed", field)
          .isEmpty();
    }
  }

  @Test
  void aSealOutsideTheWindowIsRefused() {
    Duration beyond = ForwardSeal.WINDOW.plusSeconds(1);
    ForwardSeal later = instance(SECRET, "b", NOW.plus(beyond));
    assertThat(later.check(sealedByA(), "ExecutePlan").trusted()).isEmpty();
    assertThat(later.check(sealedByA(), "ExecutePlan").reason()).contains("clock");
    ForwardSeal earlier = instance(SECRET, "b", NOW.minus(beyond));
    assertThat(earlier.check(sealedByA(), "ExecutePlan").trusted()).isEmpty();
    ForwardSeal within = instance(SECRET, "b", NOW.plus(ForwardSeal.WINDOW.minusSeconds(1)));
    assertThat(within.check(sealedByA(), "ExecutePlan").trusted()).isPresent();
  }

  @Test
  void whatAClientMightSendIsRefused() {
    ForwardSeal b = instance(SECRET, "b", NOW);
    for (String value :
        new String[] {"", "1", "true", "v1", "v1.....", "v1.x.y.z.w.q", "a".repeat(10_000)}) {
      assertThat(b.check(value, "ExecutePlan").trusted()).as(value).isEmpty();
    }
  }

  @Test
  void withoutASecretNothingIsTrusted() {
    assertThat(ForwardSeal.NONE.enabled()).isFalse();
    assertThat(ForwardSeal.NONE.check(sealedByA(), "ExecutePlan").trusted()).isEmpty();
  }

  @Test
  void theHazelcastClusterNameDependsOnTheSecretAndShowsNothingOfIt() {
    String name = SECRET.hazelcastClusterName("vxconnect");
    assertThat(name)
        .startsWith("vxconnect-")
        .isEqualTo(
            new ClusterSecret("a-test-secret-of-the-cluster").hazelcastClusterName("vxconnect"))
        .isNotEqualTo(
            new ClusterSecret("another-secret-entirely").hazelcastClusterName("vxconnect"))
        .doesNotContain("secret");
    assertThat(SECRET.toString()).doesNotContain("a-test");
  }
}
