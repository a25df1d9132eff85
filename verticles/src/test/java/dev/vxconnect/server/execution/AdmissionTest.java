package dev.vxconnect.server.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The operation limits: per user over the cluster (this instance's count plus the others'), per
 * session, on unread result bytes and in total; each refusal names its key and value.
 */
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
    SessionKey key = new SessionKey(user, UUID.randomUUID().toString());
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

  @Test
  void aRefusalNamesTheLimitItMet() {
    LongAdder buffered = new LongAdder();
    Admission small = new Admission(options(2, 1, 1000), buffered, counts);
    Session alice = session("alice");
    small.admit(alice);
    assertThat(refusal(() -> small.admit(alice)))
        .contains("Session " + alice.sessionId() + " runs 1 operations")
        .contains("vxconnect.execution.maxOperationsPerSession = 1");
    small.release(alice);

    buffered.add(1001);
    assertThat(refusal(() -> small.admit(session("bob"))))
        .contains("more than 1000 bytes of results")
        .contains("vxconnect.execution.maxBufferedBytes = 1000");
    buffered.reset();

    small.admit(session("bob"));
    small.admit(session("carol"));
    assertThat(refusal(() -> small.admit(session("dave"))))
        .contains("The server runs 2 operations")
        .contains("vxconnect.execution.maxOperations = 2");
    assertThat(small.refusals())
        .containsEntry("session_operations", 1L)
        .containsEntry("buffered_bytes", 1L)
        .containsEntry("server_operations", 1L);
  }

  @Test
  void requestsArrivingTogetherCannotBothTakeASessionsLastSlot() throws Exception {
    Admission small = new Admission(options(100, 1, 1L << 30), new LongAdder(), counts);
    Session alice = session("alice");
    int threads = 8;
    for (int round = 0; round < 200; round++) {
      CyclicBarrier together = new CyclicBarrier(threads);
      AtomicInteger admitted = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          done.add(
              pool.submit(
                  () -> {
                    together.await();
                    if (catchThrowableOfType(RpcFailure.class, () -> small.admit(alice)) == null) {
                      admitted.incrementAndGet();
                    }
                    return null;
                  }));
        }
        for (Future<?> each : done) {
          each.get(10, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(admitted.get()).as("admitted in round %d", round).isEqualTo(1);
      small.release(alice);
    }
    assertThat(small.active()).isZero();
  }

  /** The message of the RESOURCE_EXHAUSTED refusal {@code admit} throws (it carries a RetryInfo). */
  private static String refusal(Runnable admit) {
    RpcFailure refused = catchThrowableOfType(RpcFailure.class, admit::run);
    assertThat(refused).isNotNull();
    assertThat(refused.status().code()).isEqualTo(ErrorStatus.RESOURCE_EXHAUSTED);
    return refused.status().message();
  }

  private static ExecutionOptions options() {
    return options(10, 10, 1L << 30);
  }

  private static ExecutionOptions options(
      int maxOperations, int maxOperationsPerSession, long maxBufferedBytes) {
    return TestExecutionOptions.with(
        Map.of(
            ConfigKeys.MAX_OPERATIONS, Integer.toString(maxOperations),
            ConfigKeys.MAX_OPERATIONS_PER_SESSION, Integer.toString(maxOperationsPerSession),
            ConfigKeys.MAX_OPERATIONS_PER_USER, Integer.toString(PER_USER),
            ConfigKeys.MAX_BUFFERED_BYTES, maxBufferedBytes + "b"));
  }
}
