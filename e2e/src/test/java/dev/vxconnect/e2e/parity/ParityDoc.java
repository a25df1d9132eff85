package dev.vxconnect.e2e.parity;

import java.util.TreeSet;

/**
 * The section of docs/protocol-coverage.md about the comparison with Apache Spark's own Connect
 * server: what {@link SparkServerParityE2ETest} compares, what it leaves out, and every
 * {@link Deviations deliberate difference}. Rendered from the test's own lists (CoverageDoc
 * appends it), so the document cannot say other than what the test does.
 */
public final class ParityDoc {

  private ParityDoc() {}

  public static String section() {
    StringBuilder doc = new StringBuilder();
    doc.append("## Compared with Apache Spark's own Connect server\n\n")
        .append("`SparkServerParityE2ETest` (e2e, package `parity`) runs **")
        .append(ParityScenarios.all().size())
        .append(
            "** scenarios (`ParityScenarios`: SQL queries, expressions, SQL and DataFrame errors,")
        .append(
            " DataFrame programs, analyze, config, catalog and session programs) with the official")
        .append(
            " client on Apache Spark's own 4.1.2 Connect server (`SparkServerProcess` in testkit,")
        .append(
            " started from the same jars) and on vxconnect, in every client run (4.1.2, and the")
        .append(" 4.0.1 and 4.2.0 runs of the `client-matrix` tag). Scenarios that change session")
        .append(" state run in new sessions on each server, the others one after the other in one")
        .append(
            " session per server (2 shuffle partitions, code generation off, on both). What the")
        .append(" client received must be the same: the program's answer")
        .append(
            " (rows, values, error class, condition, SQLSTATE, message parameters) and, call by")
        .append(" call, every response message field by field (schemas as protobuf, analyze and")
        .append(
            " config answers), the gRPC status with its description, and the `google.rpc.Status`")
        .append(" details with ErrorInfo's reason, domain and metadata.\n\n")
        .append(
            "Left out, because they differ between any two runs of the same program: the fields ")
        .append(
            String.join(
                ", ", new TreeSet<>(Transcript.LEFT_OUT).stream().map(f -> "`" + f + "`").toList()))
        .append(" wherever they occur; ErrorInfo metadata ")
        .append(
            String.join(
                ", ",
                new TreeSet<>(Transcript.LEFT_OUT_METADATA)
                    .stream().map(f -> "`" + f + "`").toList()))
        .append("; responses that carry only a progress report (sent by time); the error")
        .append(
            " `INVALID_CURSOR.DISCONNECTED` that Spark's own server sometimes ends a stream with after")
        .append(
            " its `result_complete` (when the client's ReleaseExecute overtakes the stream's end; the")
        .append(
            " client has every response and ignores it), read as the normal end; UUIDs, expression and")
        .append(
            " plan ids and each server's warehouse path inside texts; ReleaseExecute calls (the")
        .append(
            " client sends them in the background). Arrow batches are compared by their total row")
        .append(
            " count, not one by one: vxconnect cuts a result into batches per partition, in windows")
        .append(
            " of partitions (DESIGN.md section 3); the rows themselves are compared through what")
        .append(" the program collects.\n\n")
        .append(
            "Deliberate differences: for the scenarios and clients they name, the test checks that")
        .append(" each server answers as said here instead of comparing the whole answers")
        .append(" (`Deviations.ALL`):\n\n")
        .append("| difference | reason | scenarios | clients |\n| --- | --- | --- | --- |\n");
    for (Deviations.Deviation deviation : Deviations.ALL) {
      doc.append("| ")
          .append(deviation.what())
          .append(" | ")
          .append(deviation.reason())
          .append(" | ")
          .append(
              String.join(
                  ", ",
                  ParityScenarios.all().keySet().stream()
                      .filter(name -> deviation.scenarios().matcher(name).matches())
                      .map(name -> "`" + name + "`")
                      .toList()))
          .append(" | `")
          .append(deviation.clients().pattern())
          .append("` |\n");
    }
    return doc.append(SPARK_SUITES).toString();
  }

  /**
   * What the last run of Apache Spark's own client suites found (spark-suites/run.sh, too long for
   * mvn verify: its figures are written here by hand after a run, with its date and commit).
   */
  private static final String SPARK_SUITES =
      """

      ## Apache Spark's own client suites

      `spark-suites/run.sh` runs the end-to-end suites of the official client's published tests jar \
      (`org.apache.spark:spark-connect-client-jvm_2.13:4.1.2:tests`, 23 suites: ClientE2ETestSuite, \
      CatalogSuite, DataFrameSuite, KeyValueGroupedDatasetE2ETestSuite, ClientStreamingQuerySuite, \
      TransformWithStateConnectSuite, UserDefinedFunctionE2ETestSuite...) against Apache Spark's own \
      4.1.2 Connect server and against vxconnect: each suite in a JVM of its own, with a server that \
      the suites' own harness starts with their own settings (reattachable streams cut every 1 s or \
      123 bytes, a `testcat` in-memory catalog, 10 MiB Arrow batches). About 40 minutes for both \
      servers on 2 cores, so not in `mvn verify`; `spark-suites/target/results/summary.md` has the \
      counts per suite and the tests that pass on Spark's server only.

      Last run, 2026-12-05 (commit 862d769), totals over the 23 suites as passed / failed / ignored \
      / canceled: **Spark's server 370 / 9 / 4 / 6, vxconnect 370 / 9 / 4 / 6**. Every test that passes on Spark's server \
      passes on vxconnect. The rest is the same on both: 6 tests of KeyValueGroupedDatasetE2ETestSuite \
      expect rows in an order no ORDER BY fixes; 3 of ClientE2ETestSuite fail in the client (a stack \
      overflow building a plan past the recursion limit in the runner's thread, and two that expect \
      an exception's cause the client did not rebuild); 6 need the spark-hive jar (canceled: the \
      mirror serves spark-hive only as 4.1.0); UDFClassLoadingE2ESuite aborts before its first test \
      (it reads a jar from Spark's source tree, `src/test/resources/udf2.13`, not in the tests jar).
      """;
}
