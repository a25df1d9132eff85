package dev.vxconnect.e2e.parity;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where vxconnect answers differently from Apache Spark's own Connect server on purpose, each with
 * its reason. The side-by-side test applies each to both answers of the scenarios it names before
 * comparing them; docs/protocol-coverage.md lists them (rendered by CoverageDoc from {@link #ALL}).
 */
public final class Deviations {

  /** One deliberate difference: what differs, why, in which scenarios, and how it is set aside. */
  public record Deviation(String what, String reason, Pattern scenarios, UnaryOperator<String> setAside) {}

  public static final List<Deviation> ALL = List.of();

  private Deviations() {}

  /** {@code transcript} of {@code scenario} with every deviation that names it set aside. */
  static String apply(String scenario, String transcript) {
    String out = transcript;
    for (Deviation deviation : ALL) {
      if (deviation.scenarios().matcher(scenario).find()) {
        out = deviation.setAside().apply(out);
      }
    }
    return out;
  }
}
