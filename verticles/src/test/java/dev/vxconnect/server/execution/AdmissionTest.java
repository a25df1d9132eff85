package dev.vxconnect.server.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The per-user operation limit over the cluster: this instance's count plus the others'. */
class AdmissionTest {

  private static final int PER_USER = 3;

  /** The other instances' counts as a test sets them, and what this instance published. */
  private static final class Counts implements OperationCounts {
    final Map<String, Integer> others = new ConcurrentHashMap<>();
    final List<String> published = new ArrayList<>();

    @Override
    public synchronized void publish(String userId, int running) {
      published.add(userId + "=" + running);
    }

    @Override
    public int elsewhere(String userId) {
      return others.getOrDefault(userId, 0);
    }
  }

  private final Counts counts = new Counts();
  private final Admission admission = new Admission(options(), new LongAdder(), counts);

  private static Session session(String user) {
    SessionKey key = new SessionKey(user, java.util.UUID.randomUUID().toString());
    SessionRecord record =
        SessionRecord.newBuilder().setUserId(user).setSessionId(key.sessionId()).build();
    return new Session(key, record, null, 60_000);
  }

  @Test
  void aUsersOperationsOnOtherInstancesCountTowardsItsLimit() {
    Session alice = session("alice");
    counts.others.put("alice", 2);
    admission.admit(alice);
    RpcFailure refused = catchThrowableOfType(RpcFailure.class, () -> admission.admit(alice));
    assertThat(refused).isNotNull();
    assertThat(refused.status().code()).isEqualTo(ErrorStatus.RESOURCE_EXHAUSTED);
    assertThat(refused.status().message())
        .contains("User alice runs 3 operations over all instances")
        .contains("vxconnect.execution.maxOperationsPerUser = " + PER_USER);
    admission.admit(session("bob")); // another user
    counts.others.put("alice", 1); // one ended elsewhere
    admission.admit(alice);
    assertThat(admission.active()).isEqualTo(3);
    assertThat(admission.refusals()).containsEntry("user_operations", 1L);
  }

  @Test
  void thisInstancesCountIsPublishedOnEveryChange() {
    Session alice = session("alice");
    admission.admit(alice);
    admission.admit(alice);
    admission.release(alice);
    admission.release(alice);
    assertThat(counts.published).containsExactly("alice=1", "alice=2", "alice=1", "alice=0");
  }

  private static ExecutionOptions options() {
    return new ExecutionOptions(
        2,
        10,
        2,
        1 << 20,
        1 << 20,
        true,
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        1L << 30,
        Duration.ofMinutes(5),
        100,
        Duration.ofSeconds(10),
        10,
        PER_USER,
        1L << 30,
        Duration.ofSeconds(1),
        false);
  }
}
