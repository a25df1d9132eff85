package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order of an operation's Connect events whichever comes first, the end of its run or its
 * release, as Spark's events manager accepts them (it throws on an event out of its order), on a
 * local Spark.
 */
class OperationEventsTest {

  private static final String PREFIX = "SparkListenerConnect";

  private static SparkSession spark;
  private static final List<String> posted = new CopyOnWriteArrayList<>();

  private SessionHolder session;
  private OperationEvents events;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("operation-events");
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onOtherEvent(SparkListenerEvent event) {
                String name = event.getClass().getSimpleName();
                if (name.startsWith(PREFIX)) {
                  posted.add(name.substring(PREFIX.length()));
                }
              }
            });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @BeforeEach
  void openSession() {
    session = new SessionHolder("user", UUID.randomUUID().toString(), spark.newSession());
    session.initializeSession();
    events = new OperationEvents();
  }

  @Test
  void releasedAfterTheRunEnded() throws Exception {
    ExecuteHolder operation = startOperation();
    events.ended(operation.operationId(), null, false);
    assertThat(drain()).containsExactly("SessionStarted", "OperationStarted", "OperationFinished");
    events.released(operation.operationId());
    assertThat(drain()).containsExactly("OperationClosed");
  }

  @Test
  void releasedWhileRunningClosesWhenTheRunEnds() throws Exception {
    ExecuteHolder operation = startOperation();
    events.released(operation.operationId());
    assertThat(drain()).containsExactly("SessionStarted", "OperationStarted");
    events.ended(operation.operationId(), new IllegalStateException("boom"), false);
    assertThat(drain()).containsExactly("OperationFailed", "OperationClosed");
  }

  @Test
  void aFailureOfAnInterruptedRunIsACancel() throws Exception {
    ExecuteHolder operation = startOperation();
    events.ended(operation.operationId(), new RuntimeException("job cancelled"), true);
    events.released(operation.operationId());
    assertThat(drain())
        .containsExactly(
            "SessionStarted", "OperationStarted", "OperationCanceled", "OperationClosed");
  }

  @Test
  void theSessionsCloseClosesEndedOperationsFirst() throws Exception {
    ExecuteHolder ended = startOperation();
    ExecuteHolder running = startOperation();
    events.ended(ended.operationId(), null, false);
    events.closeAll();
    session.eventManager().postClosed();
    // The run still going when its session closed ends later: nothing more is posted for it.
    events.ended(running.operationId(), null, false);
    assertThat(drain())
        .containsExactly(
            "SessionStarted",
            "OperationStarted",
            "OperationStarted",
            "OperationFinished",
            "OperationClosed",
            "SessionClosed");
  }

  private ExecuteHolder startOperation() {
    ExecuteHolder holder = ConnectOperations.query(session, "select 1");
    events.started(holder);
    return holder;
  }

  /** The events posted since the last call, once the listener bus delivered them. */
  private static List<String> drain() throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    List<String> seen = List.copyOf(posted);
    posted.removeAll(seen);
    return seen;
  }
}
