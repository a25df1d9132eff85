package dev.vxconnect.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.proto.cluster.UserSessions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counting rules of the sessions per user. */
class HeldSessionsTest {

  private static UserSessions of(String... ids) {
    return UserSessions.newBuilder().addAllSessionIds(List.of(ids)).build();
  }

  @Test
  void aNewSessionIsCountedBelowTheLimitAndRefusedAtIt() {
    assertThat(HeldSessions.claim(of("a"), "b", 2)).contains(of("a", "b"));
    assertThat(HeldSessions.claim(of("a", "b"), "c", 2)).isEmpty();
  }

  @Test
  void aSessionCountedAlreadyIsGrantedEvenAtTheLimit() {
    assertThat(HeldSessions.claim(of("a", "b"), "a", 2)).contains(of("a", "b"));
  }

  @Test
  void releaseRemovesOnlyThatSession() {
    assertThat(HeldSessions.release(of("a", "b", "c"), "b")).isEqualTo(of("a", "c"));
    assertThat(HeldSessions.release(of("a"), "x")).isEqualTo(of("a"));
    assertThat(HeldSessions.release(of("a"), "a").getSessionIdsCount()).isZero();
  }
}
