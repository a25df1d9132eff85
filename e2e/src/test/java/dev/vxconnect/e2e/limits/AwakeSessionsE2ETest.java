package dev.vxconnect.e2e.limits;

import static dev.vxconnect.e2e.limits.Refusals.noRetries;
import static dev.vxconnect.e2e.limits.Refusals.retrying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsResponse;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Status;

/**
 * The sessions one instance holds awake ({@code vxconnect.session.maxSessions}), with the official
 * client: beyond the most, a new session's first call is refused RESOURCE_EXHAUSTED with the limit
 * named and a RetryInfo; a client with the default retry policy waits and gets its session once an
 * idle one hibernates; a hibernated session wakes when there is room again. A session receiving an
 * upload, however slow, is in use: it does not hibernate under it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class AwakeSessionsE2ETest {

  private static final int MAX_SESSIONS = 2;
  private static final Duration HIBERNATE_AFTER = Duration.ofSeconds(5);

  private ServerProcess server;

  @BeforeAll
  void start() throws Exception {
    server =
        ServerProcess.start(
            "awake-sessions",
            List.of(
                "vxconnect.session.maxSessions=" + MAX_SESSIONS,
                "vxconnect.session.hibernateAfter=" + HIBERNATE_AFTER.toMillis() + "ms",
                "spark.connect.session.manager.maintenanceInterval=500ms",
                "vxconnect.execution.retryDelay=1s",
                // The client releases its last operation in the background: abandoned at once.
                "spark.connect.execute.manager.detachedTimeout=1s",
                "spark.connect.execute.manager.maintenanceInterval=500ms"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void beyondTheMostSessionsAwakeANewOneWaitsForAnIdleOneToHibernate() throws Exception {
    String first = UUID.randomUUID().toString();
    try (SparkSession a = retrying(url(first), new Refusals());
        SparkSession b = retrying(url(UUID.randomUUID().toString()), new Refusals())) {
      assertThat(selectOne(a)).isEqualTo(1);
      assertThat(selectOne(b)).isEqualTo(1);

      Refusals refusals = new Refusals();
      SparkSession refused = noRetries(url(UUID.randomUUID().toString()), refusals);
      try {
        Throwable failure = catchThrowable(() -> selectOne(refused));
        assertThat(failure).as("a third session while two are awake").isNotNull();
        Refusals.Refusal refusal = refusals.last().orElseThrow();
        assertThat(refusal.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refusal.description())
            .contains("holds " + MAX_SESSIONS + " sessions awake")
            .contains("vxconnect.session.maxSessions = " + MAX_SESSIONS)
            .contains("idle ones hibernate after");
        assertThat(refusal.retryDelay()).contains(Duration.ofSeconds(1));
        assertThat(RawGrpc.fullText(failure)).contains("RESOURCE_EXHAUSTED");
      } finally {
        catchThrowable(refused::close);
      }

      // With its default policy the client waits the delay and tries again, until the two idle
      // sessions hibernate.
      Refusals waited = new Refusals();
      try (SparkSession patient = retrying(url(UUID.randomUUID().toString()), waited)) {
        long started = System.nanoTime();
        assertThat(selectOne(patient)).isEqualTo(1);
        assertThat(waited.last())
            .as("refused before it was let in")
            .hasValueSatisfying(
                r -> assertThat(r.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        System.out.printf(
            "AwakeSessionsE2ETest: the waiting client's first query took %d ms%n",
            Duration.ofNanos(System.nanoTime() - started).toMillis());
      }
      // The first session hibernated meanwhile; there is room again, and it wakes.
      assertThat(server.logText()).contains("Session " + first + " of user awake hibernated");
      assertThat(selectOne(a)).isEqualTo(1);
      assertThat(server.logText()).contains("Session " + first + " of user awake: waking it");
    }
  }

  @Test
  @Order(2) // after the other: the session it keeps awake would take one of their two places
  void anUploadSlowerThanTheIdleTimeKeepsItsSessionAwake() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    UserContext user = RawGrpc.user("awake");
    byte[] part = "slow".getBytes(StandardCharsets.UTF_8);
    int chunks = 4;
    AddArtifactsRequest begin =
        AddArtifactsRequest.newBuilder()
            .setSessionId(sessionId)
            .setUserContext(user)
            .setBeginChunk(
                AddArtifactsRequest.BeginChunkedArtifact.newBuilder()
                    .setName("files/slow.txt")
                    .setTotalBytes((long) part.length * chunks)
                    .setNumChunks(chunks)
                    .setInitialChunk(RawGrpc.artifactChunk(part)))
            .build();
    AddArtifactsRequest next =
        AddArtifactsRequest.newBuilder()
            .setSessionId(sessionId)
            .setUserContext(user)
            .setChunk(RawGrpc.artifactChunk(part))
            .build();
    // Its messages come less than the idle time apart, over more than twice the idle time.
    Duration pause = HIBERNATE_AFTER.multipliedBy(3).dividedBy(5);
    try (RawGrpc raw = new RawGrpc(server.port())) {
      AddArtifactsResponse answer =
          RawGrpc.upload(
                  SparkConnectServiceGrpc.newStub(raw.channel()), pause, begin, next, next, next)
              .get(60, TimeUnit.SECONDS);

      assertThat(answer.getArtifactsList())
          .singleElement()
          .satisfies(
              artifact -> {
                assertThat(artifact.getName()).isEqualTo("files/slow.txt");
                assertThat(artifact.getIsCrcSuccessful()).isTrue();
              });
      assertThat(server.logText())
          .doesNotContain("Session " + sessionId + " of user awake hibernated");
    }
  }

  private String url(String sessionId) {
    return server.url() + "/;user_id=awake;session_id=" + sessionId;
  }

  private static int selectOne(SparkSession spark) {
    return ((Row[]) spark.sql("select 1 as one").collect())[0].getInt(0);
  }
}
