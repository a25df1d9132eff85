package dev.vxconnect.e2e.reattach;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vxconnect.e2e.support.Directories;
import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.ServerSettings;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import scala.Tuple2;

/**
 * Reattach under the budget Apache Spark's own client suites give their server: every reattachable
 * result stream is cut after 1 s or 123 bytes, so nearly every response comes on a stream of its
 * own and the official client reattaches before each one, and an operation often ends just as a
 * stream's budget runs out. Results, commands, empty results, run-time errors, cache commands,
 * parameterized SQL and typed selects must come out as on a classic session (the oracle), each
 * within a deadline that fails the scenario instead of letting it hang.
 *
 * <p>{@link #manyOperationsOnOneSession} runs the quick ones again and again on one session, that is
 * one connection: a stream the server left open at the end of an operation (as it once did when
 * its budget ran out with the last response) would pile up there until the connection's limit of
 * concurrent streams stopped the client's next call from starting.
 */
@Tag("client-matrix")
class ReattachScenariosE2ETest extends E2ETestBase {

  private static final ServerSettings STREAMS_CUT_AFTER_EVERY_RESPONSE =
      new ServerSettings(
          "stream-cut-every-response",
          List.of(
              "spark.connect.execute.reattachable.senderMaxStreamDuration=1s",
              "spark.connect.execute.reattachable.senderMaxStreamSize=123"));

  /** Far above what a scenario takes (seconds) even on a loaded machine; a hang ends here. */
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** Rounds of the quick scenarios on one session: about 20 operations each. */
  private static final int ROUNDS = 7;

  /** vxconnect.server.maxConcurrentStreams: the streams one connection may hold open at once. */
  private static final int STREAMS_PER_CONNECTION = 100;

  /**
   * Unique per run: a run killed midway leaves its tables' directories in the warehouse, where
   * the same name would fail with LOCATION_ALREADY_EXISTS (the catalog is in memory).
   */
  private static final String TABLE =
      "reattach_scenarios_" + Long.toHexString(System.currentTimeMillis());

  @Override
  protected ServerSettings serverSettings() {
    return STREAMS_CUT_AFTER_EVERY_RESPONSE;
  }

  @AfterAll
  static void stopServer() {
    Sessions.stop(STREAMS_CUT_AFTER_EVERY_RESPONSE);
  }

  @Test
  void collectResults() {
    collect();
  }

  @Test
  void toLocalIteratorOverManyBatches() {
    iterate();
  }

  @Test
  void emptyResults() {
    empty();
  }

  @Test
  void ddlAndWrites() {
    commands();
  }

  @Test
  void queryFailingAtRunTime() {
    failing();
  }

  @Test
  void cacheCommands() throws IOException {
    cache();
  }

  @Test
  void namedAndPositionalParameters() {
    parameters();
  }

  @Test
  void typedSelect() {
    typed();
  }

  @Test
  void manyOperationsOnOneSession() throws IOException {
    for (int round = 0; round < ROUNDS; round++) {
      collect();
      empty();
      failing();
      parameters();
      typed();
    }
    commands();
    cache();
    iterate();
    if (onVxconnect()) {
      // The premise: more operations on this connection than it may hold streams.
      String session = Sessions.sessionId(spark);
      long operations =
          Sessions.server(STREAMS_CUT_AFTER_EVERY_RESPONSE)
              .logText()
              .lines()
              .filter(line -> line.contains("of session " + session + " accepted (reattachable"))
              .count();
      Assertions.assertThat(operations)
          .as("operations of this session")
          .isGreaterThan(STREAMS_PER_CONNECTION + 10);
    }
  }

  private void collect() {
    within(() -> checkOrdered(s -> s.range(10).toDF()));
    within(
        () ->
            check(
                s ->
                    s.range(0, 5_000, 1, 3)
                        .selectExpr("id", "concat('row-', id) as s", "id % 7 as m")));
    within(() -> checkValue(s -> s.range(10).filter("id % 3 = 0").head(2)));
  }

  private void iterate() {
    within(
        () ->
            checkValue(
                s -> {
                  // Small Arrow batches: many responses, so many cuts and reattaches in one result.
                  s.conf().set("spark.sql.execution.arrow.maxRecordsPerBatch", "500");
                  Iterator<Row> rows =
                      s.range(0, 6_000, 1, 4).selectExpr("id", "id * id as sq").toLocalIterator();
                  List<Row> read = new ArrayList<>();
                  try {
                    rows.forEachRemaining(read::add);
                  } finally {
                    closeQuietly(rows);
                    s.conf().unset("spark.sql.execution.arrow.maxRecordsPerBatch");
                  }
                  return read;
                }));
  }

  private void empty() {
    within(() -> check(s -> s.range(0).toDF()));
    within(
        () ->
            check(s -> s.range(10).filter("id > 100").selectExpr("id", "cast(id as string) as s")));
    within(() -> checkValue(s -> s.range(10).filter("id > 100").isEmpty()));
  }

  private void commands() {
    within(() -> checkValue(s -> s.sql("drop table if exists " + TABLE).collectAsList()));
    within(
        () ->
            checkValue(
                s ->
                    s.sql("create table " + TABLE + " (id bigint, s string) using parquet")
                        .collectAsList()));
    within(
        () ->
            checkValue(
                s ->
                    s.sql("insert into " + TABLE + " values (1, 'one'), (2, 'two')")
                        .collectAsList()));
    within(
        () ->
            checkValue(
                s -> {
                  s.range(3, 6)
                      .selectExpr("id", "concat('n', id) as s")
                      .write()
                      .mode("append")
                      .saveAsTable(TABLE);
                  return "appended";
                }));
    within(() -> checkOrdered(s -> s.table(TABLE).orderBy("id")));
    within(() -> checkValue(s -> s.sql("drop table " + TABLE).collectAsList()));
  }

  private void failing() {
    // Division by zero in the tasks (ANSI mode): the schema is sent, then the job fails.
    within(() -> checkError(s -> s.sql("select id, 10 / (id - 5) as q from range(10)")));
    within(() -> checkError(s -> s.range(10).selectExpr("assert_true(id < 3)")));
  }

  /** As Spark's CatalogSuite "refreshTable": a cached table whose files go away, refreshed. */
  private void cache() throws IOException {
    Path dir =
        Files.createTempDirectory(
            ServerProcess.targetDirectory().toAbsolutePath(), "reattach-cache");
    Files.delete(dir); // the table creates it
    String table = "spark_catalog.default." + TABLE + "_cached";
    try {
      within(
          () ->
              checkValue(
                  s -> {
                    List<Object> counts = new ArrayList<>();
                    s.sql("drop table if exists " + table);
                    s.sql(
                        "create table "
                            + table
                            + " (col string) using text location '"
                            + dir
                            + "'");
                    s.sql("insert into " + table + " select 'abc'");
                    s.catalog().cacheTable(table);
                    counts.add(s.catalog().isCached(table));
                    counts.add(s.table(table).collectAsList().size());
                    Directories.delete(dir);
                    counts.add(s.table(table).collectAsList().size());
                    s.catalog().refreshTable(table);
                    counts.add(s.table(table).collectAsList().size());
                    s.catalog().clearCache();
                    counts.add(s.catalog().isCached(table));
                    s.sql("drop table " + table);
                    return counts;
                  }));
    } finally {
      Directories.delete(dir);
    }
  }

  /** As Spark's "SPARK-50965: Multiple named and positional parameterized nodes". */
  private void parameters() {
    within(
        () ->
            check(
                s -> {
                  Dataset<Row> df =
                      s.sql("select ? as v", new Object[] {0})
                          .union(s.sql("select :key as v", Map.of("key", 1)));
                  for (int i = 1; i < 3; i++) {
                    df =
                        df.union(s.sql("select ? as v", new Object[] {2 * i}))
                            .union(s.sql("select :key as v", Map.of("key", 2 * i + 1)));
                  }
                  return df;
                }));
    within(
        () ->
            check(
                s ->
                    s.sql(
                        "select id from range(20) where id between ? and ?",
                        new Object[] {3L, 9})));
    within(() -> check(s -> s.sql("select id from range(20) where id % :m = 0", Map.of("m", 4))));
  }

  private void typed() {
    within(
        () ->
            checkValue(
                s ->
                    s.range(1000)
                        .select(
                            org.apache.spark.sql.functions.count("id"),
                            org.apache.spark.sql.functions.sum("id"))
                        .first()));
    within(
        () ->
            checkValue(
                s ->
                    anyRows(s.range(5))
                        .select(
                            col("id").as(Encoders.LONG()),
                            col("id").multiply(3).cast("string").as(Encoders.STRING()))
                        .collectAsList()
                        .stream()
                        .map(ReattachScenariosE2ETest::pair)
                        .toList()));
  }

  /** Typed columns made by {@code col(...).as(encoder)} select from a Dataset of any type. */
  @SuppressWarnings("unchecked")
  private static Dataset<Object> anyRows(Dataset<?> ds) {
    return (Dataset<Object>) ds;
  }

  private static String pair(Tuple2<Long, String> t) {
    return t._1() + "/" + t._2();
  }

  private static void within(Executable scenario) {
    assertTimeoutPreemptively(
        DEADLINE,
        scenario,
        "no answer within "
            + DEADLINE
            + " with streams cut after every response: the client hangs");
  }

  private static void closeQuietly(Iterator<?> iterator) {
    if (iterator instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the result iterator", e);
      }
    }
  }
}
