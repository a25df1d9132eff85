package dev.vxconnect.e2e.parity;

import dev.vxconnect.e2e.support.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/**
 * One run of one scenario against one server: the sessions it opens (each with its own
 * {@link ResponseRecorder}), and, once it has run, what it returned and every session's
 * {@link Transcript}.
 */
final class ParityRun {

  /** A scenario: a small program on the official client's SparkSession. */
  @FunctionalInterface
  interface Program {
    /** What the program returns, as text (rows, a schema, a value). */
    String run(ParityRun run) throws Exception;
  }

  /**
   * A session kept for many scenarios on one server: most scenarios leave no state behind, and a
   * new session per scenario costs each server more than the scenario itself.
   */
  static final class SharedSession implements AutoCloseable {
    private final ResponseRecorder recorder = new ResponseRecorder();
    private final SparkSession session;

    SharedSession(String url) {
      session = connect(url, recorder);
      // Small results: a few shuffle partitions instead of 200, and no code generation (Janino
      // compiling each new query costs each server more CPU than running it). The same on both.
      session.conf().set("spark.sql.shuffle.partitions", "2");
      session.conf().set("spark.sql.codegen.wholeStage", "false");
      session.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    }

    @Override
    public void close() {
      Sessions.close(session);
    }
  }

  private static final long CALLS_END_MS = 10_000;

  private final String url;
  private final SharedSession shared;
  private final List<ResponseRecorder> recorders = new ArrayList<>();
  private final List<SparkSession> sessions = new ArrayList<>();

  private ParityRun(String url, SharedSession shared) {
    this.url = url;
    this.shared = shared;
  }

  /**
   * Runs {@code program} in {@code shared} (when not null) or in new sessions on the server at
   * {@code url}; the text of what it returned and the server sent back.
   */
  static String of(String url, SharedSession shared, Program program) throws InterruptedException {
    ParityRun run = new ParityRun(url, shared);
    int from = shared == null ? 0 : shared.recorder.started();
    String result;
    try {
      result = program.run(run);
    } catch (Exception | AssertionError e) {
      result = "error: " + describe(e);
    }
    StringBuilder out =
        new StringBuilder("result: ").append(Transcript.normalize(result)).append('\n');
    if (shared != null) {
      out.append("-- session 1\n")
          .append(Transcript.of(shared.recorder.endedFrom(from, CALLS_END_MS)));
    }
    for (int i = 0; i < run.sessions.size(); i++) {
      Sessions.close(run.sessions.get(i));
      out.append("-- session ")
          .append(i + 1)
          .append('\n')
          .append(Transcript.of(run.recorders.get(i).endedFrom(0, CALLS_END_MS)));
    }
    return out.toString();
  }

  /** The scenario's first session. */
  SparkSession spark() {
    if (shared != null) {
      return shared.session;
    }
    return sessions.isEmpty() ? another() : sessions.get(0);
  }

  /** A further session of the same user on the same server (scenarios in new sessions only). */
  SparkSession another() {
    if (shared != null) {
      throw new IllegalStateException("a scenario with several sessions must run in new sessions");
    }
    ResponseRecorder recorder = new ResponseRecorder();
    SparkSession session = connect(url, recorder);
    recorders.add(recorder);
    sessions.add(session);
    return session;
  }

  private static SparkSession connect(String url, ResponseRecorder recorder) {
    return org.apache.spark.sql.connect.SparkSession.builder()
        .remote(url)
        .interceptor(recorder)
        .create();
  }

  /** Every row of {@code df}, one per line. */
  static String rows(Dataset<?> df) {
    return df.collectAsList().stream().map(String::valueOf).collect(Collectors.joining("\n"));
  }

  /** An error as a client sees it: its class and, for Spark's errors, condition, SQLSTATE, parameters. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(e.getClass().getName());
    if (e instanceof SparkThrowable spark) {
      Map<String, String> parameters = new TreeMap<>(spark.getMessageParameters());
      out.append(" condition=")
          .append(spark.getCondition())
          .append(" sqlState=")
          .append(spark.getSqlState())
          .append(" parameters=")
          .append(parameters);
    } else {
      out.append(": ").append(e.getMessage());
    }
    return out.toString();
  }
}
