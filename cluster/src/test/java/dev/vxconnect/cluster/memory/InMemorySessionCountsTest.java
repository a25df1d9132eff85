package dev.vxconnect.cluster.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.SessionCounts;
import dev.vxconnect.cluster.SessionCounts.Claim;
import org.junit.jupiter.api.Test;

/** The sessions per user of a single instance. */
class InMemorySessionCountsTest {

  private final SessionCounts counts = new InMemorySessionCounts();

  private Claim claim(String user, String session, int limit) {
    return counts.claim(user, session, limit).result();
  }

  @Test
  void countsPerUserUpToTheLimit() {
    assertThat(claim("alice", "s1", 2)).isEqualTo(new Claim(true, 1));
    assertThat(claim("alice", "s2", 2)).isEqualTo(new Claim(true, 2));
    assertThat(claim("alice", "s3", 2)).isEqualTo(new Claim(false, 2));
    assertThat(claim("bob", "s3", 2)).as("another user").isEqualTo(new Claim(true, 1));
    counts.release("alice", "s1");
    assertThat(claim("alice", "s3", 2)).isEqualTo(new Claim(true, 2));
    counts.adopt("alice", "s4");
    assertThat(counts.held("alice").result()).as("adopted beyond the limit").isEqualTo(3);
  }
}
