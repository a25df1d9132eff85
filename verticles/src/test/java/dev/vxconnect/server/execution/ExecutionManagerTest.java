package dev.vxconnect.server.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.cluster.OperationCounts;
import dev.vxconnect.cluster.StateUnavailableException;
import dev.vxconnect.cluster.memory.LocalCluster;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import dev.vxconnect.proto.cluster.StreamingQueryRecord;
import dev.vxconnect.server.config.ExecutionOptions;
import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionKey;
import dev.vxconnect.server.session.StateRecorder;
import io.vertx.core.Future;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.ReattachOptions;
import org.apache.spark.connect.proto.SqlCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command whose change of its session cannot be recorded (the state database is lost) is refused
 * for its client to retry: forgotten before its client can hear it was refused, so that the
 * client's reattach finds no operation and its ExecutePlan, sent again under the same id, runs
 * afresh; and its client never saw anything of the refused run.
 */
class ExecutionManagerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SessionKey KEY = new SessionKey("user", UUID.randomUUID().toString());

  /** Fails every record while {@link #lost} is set, as the cluster does with its database lost. */
  private static final class Recorder implements StateRecorder {
    final AtomicBoolean lost = new AtomicBoolean(true);
    final List<Runnable> onDiscard = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> record(Session session, StateChange change) {
      return lost.get()
          ? Future.failedFuture(
              new StateUnavailableException("The state database is unavailable", null))
          : Future.succeededFuture();
    }

    @Override
    public Future<Void> recordStreamingQuery(Session session, StreamingQueryRecord query) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> forgetStreamingQuery(Session session, String queryId) {
      return Future.succeededFuture();
    }

    @Override
    public void discard(Session session, Throwable why) {
      onDiscard.forEach(Runnable::run);
    }
  }

  private final Recorder recorder = new Recorder();
  private final ExecutionManager executions =
      // No Spark pool: it only cancels the jobs of an interrupted operation, and none is. No
      // cluster to share operations with: the refusal is what this test is about.
      new ExecutionManager(
          null,
          options(),
          recorder,
          new LocalCluster("me", 16).operations(),
          "me",
          OperationCounts.NONE);

  @AfterEach
  void close() {
    executions.close();
  }

  @Test
  void
      aCommandWhoseChangeCannotBeRecordedIsForgottenBeforeItsClientHearsAndRunsAfreshWhenSentAgain()
          throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    Session session = session(runs, go);
    ExecutePlanRequest request = createTempView();

    Operation refused = executions.start(session, request);
    // What the sender is told, at the moment it can first see the error.
    List<String> seenWithTheError = new CopyOnWriteArrayList<>();
    refused
        .buffer()
        .attach(
            () -> {
              if (refused.buffer().failure() != null && seenWithTheError.isEmpty()) {
                seenWithTheError.add(
                    "held="
                        + session.operation(refused.id()).isPresent()
                        + " refused="
                        + wasRefused(refused));
              }
            });
    // When the session is dropped (its change undone), the operation is already forgotten.
    List<String> seenAtDiscard = new CopyOnWriteArrayList<>();
    recorder.onDiscard.add(
        () ->
            seenAtDiscard.add(
                "held="
                    + session.operation(refused.id()).isPresent()
                    + " failure="
                    + refused.buffer().failure()));
    go.countDown();
    awaitEnd(refused);
    // The buffer wakes its listener on another thread, maybe after the end is visible here.
    awaitNotEmpty(seenWithTheError);

    assertThat(runs.get()).isEqualTo(1);
    assertThat(seenAtDiscard).containsExactly("held=false failure=null");
    assertThat(seenWithTheError).containsExactly("held=false refused=true");
    ErrorStatus status = refused.buffer().failure();
    assertThat(status.code()).isEqualTo(ErrorStatus.UNAVAILABLE);
    assertThat(status.message()).contains("Nothing was changed; retry later");
    assertThat(status.details()).as("with RetryInfo").isNotNull();
    assertThat(refused.buffer().get(1))
        .as("the client hears nothing of the refused run but the error")
        .isNull();
    assertThat(refused.buffer().isEnd(1)).isTrue();

    // The client sends the same ExecutePlan again; the database is back.
    recorder.lost.set(false);
    Operation retried = executions.start(session, request);
    awaitEnd(retried);

    assertThat(retried).isNotSameAs(refused);
    assertThat(runs.get()).isEqualTo(2);
    assertThat(wasRefused(retried)).isFalse();
    assertThat(retried.buffer().failure()).isNull();
    assertThat(retried.buffer().get(1).response().hasSqlCommandResult()).isTrue();
    assertThat(retried.buffer().get(2).response().hasResultComplete()).isTrue();
  }

  private boolean wasRefused(Operation operation) {
    return executions.wasRefused(KEY.userId(), KEY.sessionId(), operation.id());
  }

  private static void awaitNotEmpty(List<?> list) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (list.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static void awaitEnd(Operation operation) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!operation.isFinished() || !ended(operation)) {
      assertThat(System.nanoTime()).as("the operation ended in time").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static boolean ended(Operation operation) {
    for (long index = 1; ; index++) {
      if (operation.buffer().isEnd(index)) {
        return true;
      }
      if (operation.buffer().get(index) == null) {
        return false;
      }
    }
  }

  /** A session whose Spark side runs a state-changing command: one SqlCommandResult, counted. */
  private static Session session(AtomicInteger runs, CountDownLatch go) {
    SessionContext context =
        (SessionContext)
            Proxy.newProxyInstance(
                SessionContext.class.getClassLoader(),
                new Class<?>[] {SessionContext.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "progressInterval" -> Duration.ZERO;
                      case "changesSessionState" -> true;
                      case "operationReleased" -> null;
                      case "execute" -> {
                        go.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                        runs.incrementAndGet();
                        ((ResponseSink) args[1])
                            .send(
                                ExecutePlanResponse.newBuilder()
                                    .setSqlCommandResult(
                                        ExecutePlanResponse.SqlCommandResult.getDefaultInstance())
                                    .build());
                        yield null;
                      }
                      case "toErrorStatus" ->
                          ErrorStatus.of(ErrorStatus.INTERNAL, String.valueOf(args[0]));
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      case "toString" -> "test context";
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    SessionRecord record =
        SessionRecord.newBuilder()
            .setUserId(KEY.userId())
            .setSessionId(KEY.sessionId())
            .setServerSideSessionId(UUID.randomUUID().toString())
            .setOwner("me")
            .build();
    return new Session(KEY, record, context, 60_000);
  }

  private static ExecutePlanRequest createTempView() {
    return ExecutePlanRequest.newBuilder()
        .setSessionId(KEY.sessionId())
        .setOperationId(UUID.randomUUID().toString())
        .setPlan(
            Plan.newBuilder()
                .setCommand(
                    Command.newBuilder()
                        .setSqlCommand(
                            SqlCommand.newBuilder().setSql("create temp view v as select 1 as x"))))
        .addRequestOptions(
            ExecutePlanRequest.RequestOption.newBuilder()
                .setReattachOptions(ReattachOptions.newBuilder().setReattachable(true)))
        .build();
  }

  private static ExecutionOptions options() {
    return TestExecutionOptions.small();
  }
}
