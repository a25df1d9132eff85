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

  private final String url;
  private final List<ResponseRecorder> recorders = new ArrayList<>();
  private final List<SparkSession> sessions = new ArrayList<>();

  private ParityRun(String url) {
    this.url = url;
  }

  /** Runs {@code program} on the server at {@code url}; the text of what it returned and sent back. */
  static String of(String url, Program program) {
    ParityRun run = new ParityRun(url);
    String result;
    try {
      result = program.run(run);
    } catch (Exception | AssertionError e) {
      result = "error: " + describe(e);
    }
    StringBuilder out = new StringBuilder("result: ").append(Transcript.normalize(result)).append('\n');
    for (int i = 0; i < run.sessions.size(); i++) {
      Sessions.close(run.sessions.get(i));
      out.append("-- session ").append(i + 1).append('\n')
          .append(Transcript.of(run.recorders.get(i).calls()));
    }
    return out.toString();
  }

  /** The scenario's first session. */
  SparkSession spark() {
    return sessions.isEmpty() ? another() : sessions.get(0);
  }

  /** A further session of the same user on the same server. */
  SparkSession another() {
    ResponseRecorder recorder = new ResponseRecorder();
    SparkSession session = org.apache.spark.sql.connect.SparkSession.builder()
        .remote(url).interceptor(recorder).create();
    recorders.add(recorder);
    sessions.add(session);
    return session;
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
      out.append(" condition=").append(spark.getCondition())
          .append(" sqlState=").append(spark.getSqlState())
          .append(" parameters=").append(parameters);
    } else {
      out.append(": ").append(e.getMessage());
    }
    return out.toString();
  }
}
