package dev.vxconnect.e2e.parity;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where vxconnect answers differently from Apache Spark's own Connect server on purpose, each with
 * its reason. For the scenarios and client versions a deviation names, the side-by-side test checks
 * that each server gives the answer the deviation says it gives (so a deviation that stops being
 * true fails the test) instead of comparing the whole transcripts. docs/protocol-coverage.md lists
 * them (CoverageDoc renders {@link #ALL}).
 */
public final class Deviations {

  /**
   * One deliberate difference: what differs and why; the scenarios (by name) and client versions
   * it concerns; a text Spark's server's answer contains, and one vxconnect's contains.
   */
  public record Deviation(
      String what,
      String reason,
      Pattern scenarios,
      Pattern clients,
      String sparkAnswers,
      String vxconnectAnswers) {

    boolean concerns(String scenario, String clientVersion) {
      return scenarios.matcher(scenario).matches() && clients.matcher(clientVersion).matches();
    }
  }

  public static final List<Deviation> ALL =
      List.of(
          new Deviation(
              "createDataFrame with the 4.2 client: before it sends a local relation, the 4.2 client asks"
                  + " for `spark.sql.session.localRelationSizeLimit` and"
                  + " `spark.sql.session.localRelationChunkSizeLimit` and parses them as plain numbers."
                  + " Spark's 4.1.2 server answers byte strings (`3221225472b`), and the client fails with"
                  + " `NumberFormatException` before sending the plan; vxconnect answers byte counts"
                  + " (`3221225472`) and the DataFrame is created.",
              "a byte count means the same limit to every client version, and the 4.2 client can"
                  + " create DataFrames (`SessionConfig` in planner/)",
              Pattern.compile(
                  "df: local relation|analyze: schema of local relation|analyze: isLocal"),
              Pattern.compile("4\\.2\\..*"),
              "NumberFormatException: For input string: \"3221225472b\"",
              "value: \"3221225472\""),
          new Deviation(
              "A request that cannot be parsed (malformed, or nested deeper than"
                  + " `spark.connect.grpc.marshallerRecursionLimit`): Spark's server answers `UNKNOWN`"
                  + " (grpc-java's code for a failure it does not know), vxconnect `INVALID_ARGUMENT`,"
                  + " with the same kind of message. Spark's client suite test \"handle unknown"
                  + " exception\" expects `UNKNOWN`.",
              "the request is the client's fault and the code should say so; no client retries"
                  + " either code (`call/Failures` in verticles/)",
              Pattern.compile("error: plan nested past the recursion limit"),
              Pattern.compile(".*"),
              "status UNKNOWN",
              "status INVALID_ARGUMENT"));

  private Deviations() {}

  /** The deviation that concerns this scenario with this client version, if one does. */
  static Optional<Deviation> of(String scenario, String clientVersion) {
    return ALL.stream().filter(d -> d.concerns(scenario, clientVersion)).findFirst();
  }
}
