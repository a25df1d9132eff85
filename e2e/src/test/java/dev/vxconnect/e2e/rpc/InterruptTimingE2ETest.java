package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.coverage.CurrentScenario;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.client.SparkResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An interrupt ends a query at once, on the client and in Spark: the query's tasks sleep for five
 * minutes; after interruptAll, interruptTag or interruptOperation the client's call fails with
 * OPERATION_CANCELED within 2 seconds, and Spark's monitoring REST API (the server runs with its UI
 * on a free loopback port) soon shows no running job and no active task.
 */
@Tag("timing")
@Timeout(300)
class InterruptTimingE2ETest {

  private static final String FOR_MINUTES =
      "select java_method('java.lang.Thread', 'sleep', 300000L) as slept from range(2)";
  private static final Duration CANCEL_WITHIN = Duration.ofSeconds(2);
  private static final Duration SETTLE_WITHIN = Duration.ofSeconds(15);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ServerProcess server;
  private static String api;

  private SparkSession spark;
  private final ExecutorService background = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void startServer() throws Exception {
    int uiPort = FreePort.find();
    // SPARK_LOCAL_IP keeps Spark's UI (otherwise bound to 0.0.0.0) on the loopback interface.
    server =
        ServerProcess.start(
            "interrupt-timing",
            List.of("spark.ui.enabled=true", "spark.ui.port=" + uiPort),
            Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
    String root = "http://127.0.0.1:" + uiPort + "/api/v1/applications";
    JsonNode apps = getJson(root);
    assertThat(apps).as("applications in %s", root).hasSize(1);
    api = root + "/" + apps.get(0).get("id").asText();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * Checked here, before the test starts its query: interruptOperation's query runs from the
   * moment it asks for its result, before it learns its operation id to interrupt.
   */
  @BeforeEach
  void openSession(TestInfo test) throws Exception {
    CurrentScenario.set(
        test.getTestClass().orElseThrow(), test.getTestMethod().orElseThrow().getName());
    spark = Sessions.connect(server.url());
    assertThat(runningJobs()).as("running Spark jobs before the test's query").isEmpty();
  }

  @AfterEach
  void closeSession() throws IOException {
    background.shutdownNow();
    try {
      spark.close();
    } finally {
      CurrentScenario.clear();
    }
  }

  @Test
  void interruptAll() throws Exception {
    assertInterruptsAtOnce(() -> spark.sql(FOR_MINUTES).collect(), spark::interruptAll);
  }

  @Test
  void interruptTag() throws Exception {
    assertInterruptsAtOnce(
        () -> {
          spark.addTag("for-minutes");
          return spark.sql(FOR_MINUTES).collect();
        },
        () -> spark.interruptTag("for-minutes"));
  }

  @Test
  void interruptOperation() throws Exception {
    var client = (org.apache.spark.sql.connect.SparkSession) spark;
    @SuppressWarnings("unchecked")
    SparkResult<Row> result = ((Dataset<Row>) client.sql(FOR_MINUTES)).collectResult();
    // The result is not thread-safe: learn its id before another thread reads it.
    String operationId = result.operationId();
    List<String> interrupted =
        assertInterruptsAtOnce(result::toArray, () -> client.interruptOperation(operationId));
    assertThat(interrupted).containsExactly(operationId);
  }

  /**
   * Runs {@code query} in the background until its tasks run in Spark, interrupts it, and checks
   * that the query fails with OPERATION_CANCELED within {@link #CANCEL_WITHIN} of the interrupt call
   * and that Spark then runs nothing. Returns the ids the interrupt reported.
   */
  private List<String> assertInterruptsAtOnce(Callable<?> query, Supplier<Seq<String>> interrupt)
      throws Exception {
    AtomicLong failedAt = new AtomicLong();
    Future<Throwable> outcome =
        background.submit(
            () -> {
              try {
                query.call();
                return null;
              } catch (Throwable failure) {
                failedAt.set(System.nanoTime());
                return failure;
              }
            });
    awaitSpark("the query's tasks to run", jobs -> activeTasks(jobs) > 0, outcome);

    long interruptedAt = System.nanoTime();
    List<String> interrupted = CollectionConverters.asJava(interrupt.get());
    assertThat(interrupted).as("operations interrupted").hasSize(1);

    Throwable failure = outcome.get(60, TimeUnit.SECONDS);
    assertThat(failure).as("the interrupted query's failure").isNotNull();
    assertThat(failure.getMessage()).contains("OPERATION_CANCELED");
    Duration tookToFail = Duration.ofNanos(failedAt.get() - interruptedAt);
    System.out.printf(
        "InterruptTimingE2ETest: %s failed %d ms after the interrupt call%n",
        CurrentScenario.get(), tookToFail.toMillis());
    assertThat(tookToFail)
        .as("from the interrupt call to the client's failure")
        .isLessThan(CANCEL_WITHIN);

    awaitSpark("no running job", JsonNode::isEmpty, null);
    awaitActiveTasks(0);
    return interrupted;
  }

  /** Polls the running jobs until {@code condition} holds, failing if the query ends first. */
  private static void awaitSpark(String what, Predicate<JsonNode> condition, Future<?> query)
      throws Exception {
    long deadline =
        System.nanoTime() + (query == null ? SETTLE_WITHIN : Duration.ofSeconds(60)).toNanos();
    JsonNode jobs = runningJobs();
    while (!condition.test(jobs)) {
      if (query != null && query.isDone()) {
        throw new AssertionError("the query ended while waiting for " + what + ": " + query.get());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; running jobs: " + jobs);
      }
      Thread.sleep(100);
      jobs = runningJobs();
    }
  }

  /** Waits until Spark's executors report {@code expected} active tasks in all. */
  private static void awaitActiveTasks(int expected) throws Exception {
    long deadline = System.nanoTime() + SETTLE_WITHIN.toNanos();
    JsonNode executors = getJson(api + "/executors");
    while (activeTasks(executors) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Spark's executors still run tasks: " + executors);
      }
      Thread.sleep(100);
      executors = getJson(api + "/executors");
    }
  }

  private static JsonNode runningJobs() throws IOException, InterruptedException {
    return getJson(api + "/jobs?status=running");
  }

  /** The sum of numActiveTasks (jobs) or activeTasks (executors) over the nodes of an array. */
  private static int activeTasks(JsonNode array) {
    int sum = 0;
    for (JsonNode node : array) {
      sum += node.path("numActiveTasks").asInt(0) + node.path("activeTasks").asInt(0);
    }
    return sum;
  }

  private static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
    JsonNode json = JSON.readTree(response.body());
    assertThat(json.isArray()).as("GET %s returns an array: %s", url, response.body()).isTrue();
    return json;
  }
}
