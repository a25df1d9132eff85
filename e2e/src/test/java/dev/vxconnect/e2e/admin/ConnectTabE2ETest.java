package dev.vxconnect.e2e.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxconnect.e2e.support.HeadlessChromium;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark UI's Connect tab and the Connect events behind it. One client session runs a query
 * that succeeds, one that fails analysis and one that is interrupted, against vxconnect (UI on a
 * free loopback port, event log in a temporary directory) and against Apache Spark's own Connect
 * server (event log only). The oracle is Spark's server: for each operation, in the order they
 * started, vxconnect's event log holds the same sequence of Connect event types as Spark's
 * (started, analyzed, ready for execution, finished / failed / canceled, closed), and the session's
 * started and closed events. Headless Chromium renders vxconnect's {@code /connect/} page while the
 * interrupted query runs (the session with its id and user, the user as Spark's server saw the
 * same client; the query RUNNING) and after the session closed (the session still listed, each of
 * its statements CLOSED, the failed one with its error).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class ConnectTabE2ETest {

  private static final String EVENT = "org.apache.spark.sql.connect.service.SparkListenerConnect";
  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 60000L) as slept from range(1)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecutorService background = Executors.newSingleThreadExecutor();
  @TempDir Path sparkEvents;
  @TempDir Path events;

  @AfterAll
  void stop() {
    background.shutdownNow();
  }

  @Test
  void theConnectTabListsTheSessionAndItsStatementsAndTheEventLogHoldsSparksEventSequence()
      throws Exception {
    assertThat(HeadlessChromium.binary())
        .as(
            "Debian's chromium, a test prerequisite (apt-get install chromium;"
                + " .ci/run installs it): the page cannot be rendered without it")
        .isPresent();

    Session expected;
    try (ServerProcess spark =
        SparkServerProcess.start("connect-tab-spark", eventLog(sparkEvents))) {
      expected = runScenario(spark.url(), sparkEvents, null);
    }

    int uiPort = FreePort.find();
    List<String> confs = new ArrayList<>(eventLog(events));
    confs.add("spark.ui.enabled=true");
    confs.add("spark.ui.port=" + uiPort);
    Session actual;
    // SPARK_LOCAL_IP keeps Spark's UI (otherwise bound to 0.0.0.0) on the loopback interface.
    try (ServerProcess server =
        ServerProcess.start("connect-tab", confs, Map.of("SPARK_LOCAL_IP", "127.0.0.1"))) {
      actual = runScenario(server.url(), events, "http://127.0.0.1:" + uiPort + "/connect/");
    }

    assertThat(actual.sequences())
        .as("each operation's Connect events, in the order the operations started")
        .isEqualTo(expected.sequences());
    assertThat(actual.sessionEvents()).containsExactly("SessionStarted", "SessionClosed");
    for (List<String> sequence : actual.sequences()) {
      assertThat(sequence.get(0)).isEqualTo("OperationStarted");
      assertThat(sequence.get(sequence.size() - 1)).isEqualTo("OperationClosed");
    }
    assertThat(actual.sequences().stream().map(s -> s.get(s.size() - 2)))
        .contains("OperationFinished", "OperationFailed", "OperationCanceled");

    // The page while the interrupted query ran: the session, and the query RUNNING.
    assertThat(row(actual.running(), actual.sessionId(), "session/?id=", "description-input"))
        .as("the session's row names its user as Spark's server saw the same client")
        .contains(expected.userId());
    assertThat(row(actual.running(), actual.slowOperation(), "description-input", null))
        .contains("sleep")
        .contains("RUNNING");
    // The page once the session closed: it stays listed, with every statement it ran, closed.
    assertThat(row(actual.closed(), actual.sessionId(), "session/?id=", "description-input"))
        .contains(expected.userId());
    for (Map.Entry<String, List<String>> operation : actual.operations().entrySet()) {
      String statementRow = row(actual.closed(), operation.getKey(), "description-input", null);
      assertThat(statementRow)
          .as("the row of operation %s", operation.getKey())
          .contains(actual.sessionId())
          .contains("CLOSED");
      if (operation.getValue().contains("OperationFailed")) {
        assertThat(statementRow).contains("no_such_table").contains("TABLE_OR_VIEW_NOT_FOUND");
      }
    }
  }

  /**
   * Runs the statements in one client session on the server at {@code url} and returns the
   * session's Connect events once its closed event is in the event log; with a {@code page},
   * renders it while the interrupted query runs and once the session closed.
   */
  private Session runScenario(String url, Path eventDir, String page) throws Exception {
    String sessionId;
    String slowOperation;
    String running = null;
    try (SparkSession spark = Sessions.connect(url)) {
      sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();
      assertThat((Row[]) spark.sql("select 1 as one").collect()).hasSize(1);
      assertThatThrownBy(() -> spark.sql("select * from no_such_table").collect())
          .hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");
      Dataset<Row> query = spark.sql(SLOW);
      // The client's tags are per thread: the tag goes on the thread that runs the query.
      Future<?> slow =
          background.submit(
              () -> {
                spark.addTag("slow");
                try {
                  return query.collect();
                } finally {
                  spark.removeTag("slow");
                }
              });
      // Interrupted once ready for execution (its job running), on both servers alike.
      Events ready = awaitEvents(eventDir, sessionId, s -> readyAndRunning(s, "sleep") != null);
      slowOperation = readyAndRunning(ready, "sleep");
      if (page != null) {
        running = HeadlessChromium.dumpDom(page);
      }
      assertThat(spark.interruptTag("slow").isEmpty()).as("an operation was interrupted").isFalse();
      assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS))
          .hasMessageContaining("OPERATION_CANCELED");
    }
    Events closed =
        awaitEvents(eventDir, sessionId, s -> s.sessionEvents().contains("SessionClosed"));
    String closedPage = null;
    if (page != null) {
      // The UI's listener sits on another queue than the event log's: it may lag a little.
      for (int attempt = 1; ; attempt++) {
        closedPage = HeadlessChromium.dumpDom(page);
        if (allClosed(closedPage, closed.operationEvents().keySet()) || attempt == 5) {
          break;
        }
        Thread.sleep(1000);
      }
    }
    return new Session(
        sessionId,
        closed.userId(),
        closed.sessionEvents(),
        closed.operationEvents(),
        slowOperation,
        running,
        closedPage);
  }

  private static boolean allClosed(String dom, Set<String> operationIds) {
    return operationIds.stream()
        .allMatch(id -> rowOrEmpty(dom, id, "description-input", null).contains("CLOSED"));
  }

  /** The operation whose statement contains {@code text}, ready and not ended; null if none. */
  private static String readyAndRunning(Events events, String text) {
    for (Map.Entry<String, List<String>> entry : events.operationEvents().entrySet()) {
      String statement = events.statements().getOrDefault(entry.getKey(), "");
      List<String> seq = entry.getValue();
      if (statement.contains(text)
          && seq.contains("OperationReadyForExecution")
          && seq.get(seq.size() - 1).equals("OperationReadyForExecution")) {
        return entry.getKey();
      }
    }
    return null;
  }

  private static List<String> eventLog(Path dir) {
    // Plain JSON lines in one file, whatever the defaults of the Spark version.
    return List.of(
        "spark.eventLog.enabled=true",
        "spark.eventLog.dir=" + dir.toUri(),
        "spark.eventLog.compress=false",
        "spark.eventLog.rolling.enabled=false");
  }

  /**
   * The first table row (between {@code <tr} and {@code </tr>}) containing both strings and not
   * {@code without} (when given): statement rows carry a description, session rows none.
   */
  private static String row(String dom, String first, String second, String without) {
    String row = rowOrEmpty(dom, first, second, without);
    assertThat(row).as("a row of the page with '%s'", first).isNotEmpty();
    return row;
  }

  private static String rowOrEmpty(String dom, String first, String second, String without) {
    for (String part : dom.split("<tr")) {
      int end = part.indexOf("</tr>");
      String row = end < 0 ? part : part.substring(0, end);
      if (row.contains(first)
          && row.contains(second)
          && (without == null || !row.contains(without))) {
        return row;
      }
    }
    return "";
  }

  /** The session's events in the event log once {@code ready} holds for them (waits up to 120 s). */
  private static Events awaitEvents(Path dir, String sessionId, Predicate<Events> ready)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Events events = null;
    while (System.nanoTime() < deadline) {
      events = Events.read(dir, sessionId);
      if (ready.test(events)) {
        return events;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the event log in " + dir + " did not reach the awaited events: " + events);
  }

  /** One session as a scenario left it: its events, and the pages rendered (vxconnect only). */
  private record Session(
      String sessionId,
      String userId,
      List<String> sessionEvents,
      Map<String, List<String>> operations,
      String slowOperation,
      String running,
      String closed) {

    /** Each operation's event types, in the order the operations started. */
    List<List<String>> sequences() {
      return List.copyOf(operations.values());
    }
  }

  /** One session's Connect events as an event log holds them. */
  private record Events(
      String userId,
      List<String> sessionEvents,
      Map<String, List<String>> operationEvents,
      Map<String, String> statements,
      List<String> raw) {

    static Events read(Path dir, String sessionId) throws IOException {
      List<String> sessionEvents = new ArrayList<>();
      Map<String, List<String>> operations = new LinkedHashMap<>();
      Map<String, String> statements = new LinkedHashMap<>();
      Map<String, String> jobTags = new LinkedHashMap<>();
      List<String> raw = new ArrayList<>();
      String userId = null;
      List<Path> logs;
      try (Stream<Path> files = Files.list(dir)) {
        logs = files.filter(Files::isRegularFile).toList();
      }
      for (Path log : logs) {
        for (String line : Files.readAllLines(log)) {
          if (!line.contains(EVENT)) {
            continue;
          }
          JsonNode event;
          try {
            event = JSON.readTree(line);
          } catch (IOException partial) {
            continue; // the last line, still being written
          }
          String type = event.get("Event").asText().substring(EVENT.length());
          if (!type.startsWith("Session") && !type.startsWith("Operation")) {
            continue; // e.g. Spark's ServiceStarted
          }
          if (type.startsWith("Session")) {
            if (event.get("sessionId").asText().equals(sessionId)) {
              sessionEvents.add(type);
              userId = event.get("userId").asText();
              raw.add(line);
            }
            continue;
          }
          String jobTag = event.get("jobTag").asText();
          if (type.equals("OperationStarted")) {
            if (!event.get("sessionId").asText().equals(sessionId)) {
              continue;
            }
            jobTags.put(jobTag, event.get("operationId").asText());
            statements.put(event.get("operationId").asText(), event.get("statementText").asText());
          }
          String operationId = jobTags.get(jobTag);
          if (operationId != null) {
            operations.computeIfAbsent(operationId, id -> new ArrayList<>()).add(type);
            raw.add(line);
          }
        }
      }
      return new Events(userId, sessionEvents, operations, statements, raw);
    }
  }
}
