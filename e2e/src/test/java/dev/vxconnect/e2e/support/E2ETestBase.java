package dev.vxconnect.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.coverage.CurrentScenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Base of the compared e2e scenarios. A scenario is a program written once against
 * {@link SparkSession}. The oracle run executes it on a classic local session and records what it
 * returns; the server run executes it with the official client against vxconnect and asserts the
 * same schema and rows, the same value, or the same error. Nothing expected is typed by hand.
 *
 * <p>In the runs of a client that reads schemas differently from each server
 * ({@link SparkServerSchemas}), a spark-server run first executes the scenarios with that client on
 * Apache Spark's own Connect server and records only the schemas of the compared results; the
 * server run compares result schemas with those, and everything else with the classic oracle.
 */
@Timeout(300)
public abstract class E2ETestBase {

  /** The session of this run: classic (oracle run) or the official client on vxconnect. */
  protected SparkSession spark;

  private String scenario;
  private int checks;

  @BeforeEach
  void openSession(TestInfo test) {
    CurrentScenario.set(
        test.getTestClass().orElseThrow(), test.getTestMethod().orElseThrow().getName());
    spark = Sessions.open(serverSettings());
    String display = test.getDisplayName().replaceAll("[^A-Za-z0-9_.=-]+", "_");
    scenario =
        test.getTestClass().orElseThrow().getSimpleName()
            + "/"
            + test.getTestMethod().orElseThrow().getName()
            + (display.startsWith(test.getTestMethod().orElseThrow().getName())
                ? ""
                : "-" + display);
    checks = 0;
  }

  @AfterEach
  void closeSession() throws Exception {
    try {
      // Closing a classic session stops the shared SparkContext: only client sessions are closed.
      if (spark != null && !isOracle()) {
        Sessions.close(spark);
      }
    } finally {
      CurrentScenario.clear();
    }
  }

  /**
   * The server this class's scenarios run on in the server run: the shared one, unless a class
   * needs settings of its own (it then stops that server in an {@code @AfterAll}).
   */
  protected ServerSettings serverSettings() {
    return ServerSettings.SHARED;
  }

  protected static boolean isOracle() {
    return Mode.current() == Mode.ORACLE;
  }

  /** The server run, on vxconnect (not the oracle run, nor the spark-server run). */
  protected static boolean onVxconnect() {
    return Mode.current() == Mode.SERVER;
  }

  /** The spark-server run: the scenario's steps run, only result schemas are recorded. */
  private static boolean recordingSparkServerSchemas() {
    return Mode.current() == Mode.SPARK_SERVER;
  }

  /**
   * The schema a result must have: Apache Spark's own Connect server's with the same client in the
   * runs that use {@link SparkServerSchemas}, else the classic oracle's.
   */
  private static String expectedSchema(String id, Expected expected) {
    return SparkServerSchemas.inUse() ? SparkServerSchemas.read(id) : expected.schema();
  }

  /** Same schema and rows, in any order. */
  protected void check(Function<SparkSession, Dataset<Row>> program) {
    checkResult(program, false);
  }

  /** Same schema and rows, in the same order. */
  protected void checkOrdered(Function<SparkSession, Dataset<Row>> program) {
    checkResult(program, true);
  }

  /** Runs {@code setup} (temp views, confs...) then compares the program's result. */
  protected void check(Consumer<SparkSession> setup, Function<SparkSession, Dataset<Row>> program) {
    setup.accept(spark);
    checkResult(program, false);
  }

  /** As {@link #check(Function)}, on another session of the test (e.g. one on another instance). */
  protected void checkOn(SparkSession session, Function<SparkSession, Dataset<Row>> program) {
    checkResult(session, program, false);
  }

  /** Same value (compared in canonical form), for results that are not Datasets. */
  protected void checkValue(Function<SparkSession, Object> program) {
    checkValueOn(spark, program);
  }

  /** As {@link #checkValue(Function)}, on another session of the test. */
  protected void checkValueOn(SparkSession session, Function<SparkSession, Object> program) {
    String id = nextCheckId();
    String actual = Results.canonical(program.apply(session));
    if (recordingSparkServerSchemas()) {
      return;
    }
    if (isOracle()) {
      Expected.value(actual).write(id);
    } else {
      assertThat(actual).as(id).isEqualTo(Expected.read(id).value());
    }
  }

  /** The same error: condition, SQL state, and an exception class the oracle's is or extends. */
  protected void checkError(Function<SparkSession, ?> program) {
    String id = nextCheckId();
    Throwable failure =
        catchThrowable(
            () -> {
              Object result = program.apply(spark);
              if (result instanceof Dataset<?> ds) {
                ds.collect();
              }
            });
    assertThat(failure).as(id + " fails").isNotNull();
    assertThat(failure)
        .as(id + ": a SparkThrowable, not " + failure)
        .isInstanceOf(SparkThrowable.class);
    SparkThrowable error = (SparkThrowable) failure;
    if (recordingSparkServerSchemas()) {
      return;
    }
    if (isOracle()) {
      List<String> classes = new ArrayList<>();
      for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
        classes.add(c.getName());
      }
      Expected.error(error.getCondition(), error.getSqlState(), classes).write(id);
    } else {
      Expected expected = Expected.read(id);
      assertThat(error.getCondition())
          .as(id + " condition of " + failure)
          .isEqualTo(expected.errorCondition());
      assertThat(error.getSqlState())
          .as(id + " SQL state of " + failure)
          .isEqualTo(expected.errorSqlState());
      assertThat(expected.errorClasses())
          .as(id + " exception class")
          .contains(failure.getClass().getName());
    }
  }

  /**
   * The same error condition and SQL state, whatever the exception class: for errors that the
   * official client turns into a plain SparkException whichever server it talks to (its converter
   * knows only some of Spark's exception classes).
   */
  protected void checkCondition(Function<SparkSession, ?> program) {
    checkConditionOn(spark, program);
  }

  /** As {@link #checkCondition(Function)}, on another session of the test. */
  protected void checkConditionOn(SparkSession session, Function<SparkSession, ?> program) {
    checkValueOn(
        session,
        s -> {
          try {
            Object result = program.apply(s);
            if (result instanceof Dataset<?> ds) {
              ds.collect();
            }
          } catch (Exception e) {
            // Not only RuntimeException: SparkException is a checked exception that Scala code
            // throws.
            if (e instanceof SparkThrowable error) {
              return List.of(
                  String.valueOf(error.getCondition()), String.valueOf(error.getSqlState()));
            }
            throw new AssertionError("not a SparkThrowable: " + e, e);
          }
          throw new AssertionError("expected a failure");
        });
  }

  /**
   * For tests that check many generated programs in one method and report every difference at
   * the end: records (oracle run) or compares (server run) what the program returns, its result
   * (rows in order if {@code ordered}, else in any order) or its error, and returns null when the
   * server's matches the oracle's, else a description of the difference.
   */
  protected String difference(Function<SparkSession, Dataset<Row>> program, boolean ordered) {
    String id = nextCheckId();
    Expected actual;
    try {
      Dataset<Row> result = program.apply(spark);
      String schema = result.schema().json();
      List<String> rows = Results.canonical(result.collectAsList());
      if (!ordered) {
        rows.sort(null);
      }
      actual = Expected.result(schema, ordered, rows);
    } catch (Exception failure) {
      // Not only RuntimeException: AnalysisException is a checked exception that Scala code throws.
      List<String> classes = new ArrayList<>();
      for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
        classes.add(c.getName());
      }
      actual =
          failure instanceof SparkThrowable error
              ? Expected.error(error.getCondition(), error.getSqlState(), classes)
              : Expected.error(null, null, classes);
      if (onVxconnect() && !(failure instanceof SparkThrowable)) {
        return id + ": not a SparkThrowable: " + failure;
      }
    }
    if (recordingSparkServerSchemas()) {
      if (actual.kind().equals("result")) {
        SparkServerSchemas.write(id, actual.schema());
      }
      return null;
    }
    if (isOracle()) {
      actual.write(id);
      return null;
    }
    Expected expected = Expected.read(id);
    if (!expected.kind().equals(actual.kind())) {
      return id + ": the oracle gave " + summary(expected) + ", the server " + summary(actual);
    }
    if (expected.kind().equals("error")) {
      boolean same =
          Objects.equals(expected.errorCondition(), actual.errorCondition())
              && Objects.equals(expected.errorSqlState(), actual.errorSqlState())
              && expected.errorClasses().contains(actual.errorClasses().get(0));
      return same
          ? null
          : id + ": the oracle gave " + summary(expected) + ", the server " + summary(actual);
    }
    String schema = expectedSchema(id, expected);
    if (!schema.equals(actual.schema())) {
      return id
          + ": schema "
          + actual.schema()
          + (SparkServerSchemas.inUse() ? ", Spark's own server's " : ", the oracle's ")
          + schema;
    }
    if (!expected.rows().equals(actual.rows())) {
      List<String> missing = new ArrayList<>(expected.rows());
      actual.rows().forEach(missing::remove);
      List<String> extra = new ArrayList<>(actual.rows());
      expected.rows().forEach(extra::remove);
      return id
          + ": rows differ ("
          + actual.rows().size()
          + " rows, the oracle's "
          + expected.rows().size()
          + "); missing "
          + head(missing)
          + "; unexpected "
          + head(extra)
          + (missing.isEmpty() && extra.isEmpty() ? "; same rows in another order" : "");
    }
    return null;
  }

  private static String summary(Expected e) {
    return e.kind().equals("error")
        ? "error "
            + e.errorCondition()
            + " ("
            + e.errorSqlState()
            + ", "
            + e.errorClasses().get(0)
            + ")"
        : e.rows().size() + " rows";
  }

  private static List<String> head(List<String> rows) {
    return rows.size() <= 5 ? rows : rows.subList(0, 5);
  }

  private void checkResult(Function<SparkSession, Dataset<Row>> program, boolean ordered) {
    checkResult(spark, program, ordered);
  }

  private void checkResult(
      SparkSession session, Function<SparkSession, Dataset<Row>> program, boolean ordered) {
    String id = nextCheckId();
    Dataset<Row> result = program.apply(session);
    String schema = result.schema().json();
    if (recordingSparkServerSchemas()) {
      SparkServerSchemas.write(id, schema);
      return;
    }
    List<String> rows = Results.canonical(result.collectAsList());
    if (!ordered) {
      rows.sort(null);
    }
    if (isOracle()) {
      Expected.result(schema, ordered, rows).write(id);
    } else {
      Expected expected = Expected.read(id);
      assertThat(schema)
          .as(
              id
                  + " schema"
                  + (SparkServerSchemas.inUse()
                      ? " (Apache Spark's own Connect server's, same client)"
                      : ""))
          .isEqualTo(expectedSchema(id, expected));
      assertThat(rows).as(id + " row count").hasSize(expected.rows().size());
      // Same check as containsExactlyElementsOf, whose cost on a million rows is minutes: AssertJ
      // is asked only to describe a difference.
      if (!rows.equals(expected.rows())) {
        assertThat(rows).as(id + " rows").containsExactlyElementsOf(expected.rows());
      }
    }
  }

  private String nextCheckId() {
    return scenario + "-" + (++checks);
  }
}
