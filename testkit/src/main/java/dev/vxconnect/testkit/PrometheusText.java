package dev.vxconnect.testkit;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition (an instance's /metrics). */
public final class PrometheusText {

  private PrometheusText() {}

  /** The value of one sample (name with its labels) in {@code metrics}, if present. */
  public static OptionalDouble sample(String metrics, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + "\\s+(\\S+)$").matcher(metrics);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }
}
