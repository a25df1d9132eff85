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
    return doc.toString();
  }
}
