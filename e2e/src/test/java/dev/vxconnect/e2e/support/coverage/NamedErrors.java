package dev.vxconnect.e2e.support.coverage;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The protocol cases vxconnect answers with a named error instead of serving them, each with its
 * error class and the reason in one line. docs/protocol-coverage.md shows them as such when a
 * scenario sent them; the scenarios that send them (UnservedCasesE2ETest) assert the error class
 * from this table, so the document cannot name another class than the server answers.
 */
public final class NamedErrors {

  /** The error class a case is answered with, and why. */
  public record Answer(String errorClass, String reason) {}

  public static final String FEATURE_NOT_ENABLED = "FEATURE_NOT_ENABLED";
  private static final String NO_PYTHON =
      "needs a Python worker on the executors, which this"
          + " server runs only with `vxconnect.python.enabled=true`";
  private static final Map<String, Answer> ANSWERS =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry(
                  "relation apply_in_pandas_with_state",
                  new Answer(FEATURE_NOT_ENABLED, "applyInPandasWithState " + NO_PYTHON)),
              Map.entry(
                  "relation common_inline_user_defined_table_function",
                  new Answer(FEATURE_NOT_ENABLED, "a Python UDTF " + NO_PYTHON)),
              Map.entry(
                  "relation common_inline_user_defined_data_source",
                  new Answer(FEATURE_NOT_ENABLED, "a Python data source " + NO_PYTHON)),
              Map.entry(
                  "relation extension",
                  new Answer(
                      FEATURE_NOT_ENABLED,
                      "when no relation plugin is configured (`spark.connect.extensions.relation.classes`);"
                          + " with one, the plugin serves it (UserExtensionsE2ETest)")),
              Map.entry(
                  "relation unknown",
                  new Answer(
                      "VXCONNECT_UNSUPPORTED.UNKNOWN_RELATION",
                      "the protocol keeps this case for tests; it has no plan")),
              Map.entry(
                  "expression extension",
                  new Answer(
                      FEATURE_NOT_ENABLED,
                      "when no expression plugin is configured (`spark.connect.extensions.expression.classes`);"
                          + " with one, the plugin serves it (UserExtensionsE2ETest)")),
              Map.entry(
                  "command register_table_function",
                  new Answer(FEATURE_NOT_ENABLED, "registering a Python UDTF " + NO_PYTHON)),
              Map.entry(
                  "command register_data_source",
                  new Answer(FEATURE_NOT_ENABLED, "registering a Python data source " + NO_PYTHON)),
              Map.entry(
                  "command create_resource_profile_command",
                  new Answer(
                      "VXCONNECT_UNSUPPORTED.RESOURCE_PROFILE",
                      "Spark refuses stage-level resource profiles on"
                          + " a local master (the default); on a standalone cluster Spark creates them")),
              Map.entry(
                  "command extension",
                  new Answer(
                      FEATURE_NOT_ENABLED,
                      "when no command plugin is configured (`spark.connect.extensions.command.classes`);"
                          + " with one, the plugin serves it (UserExtensionsE2ETest)"))));

  private NamedErrors() {}

  /** The answer for a covered case ({@code "relation unknown"}), if it is a named error. */
  public static Optional<Answer> of(String coveredCase) {
    return Optional.ofNullable(ANSWERS.get(coveredCase));
  }

  /** Every case in the table, as covered cases ({@code "relation unknown"}). */
  public static Set<String> cases() {
    return ANSWERS.keySet();
  }

  /** The error class a scenario must assert for this case. */
  public static String errorClass(String coveredCase) {
    return of(coveredCase)
        .orElseThrow(() -> new IllegalArgumentException("no named error for " + coveredCase))
        .errorClass();
  }
}
