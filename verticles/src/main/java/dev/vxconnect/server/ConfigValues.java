package dev.vxconnect.server;

import java.time.Duration;
import java.util.Locale;

/** Parses configuration values written as Spark writes them: "60m", "30s", "10m" (bytes), "128MiB". */
public final class ConfigValues {

  private ConfigValues() {}

  /** A duration such as "500ms", "30s", "5m", "2h", "1d"; a bare number is in {@code bareUnit}. */
  public static Duration duration(String key, String value, String bareUnit) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int split = firstNonDigit(v);
    if (split == 0) {
      throw invalid(key, value, "a duration such as 30s or 5m");
    }
    long amount = Long.parseLong(v.substring(0, split));
    String unit = split == v.length() ? bareUnit : v.substring(split).trim();
    return switch (unit) {
      case "us" -> Duration.ofNanos(amount * 1000);
      case "ms" -> Duration.ofMillis(amount);
      case "s", "sec" -> Duration.ofSeconds(amount);
      case "m", "min" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw invalid(key, value, "a duration such as 30s or 5m");
    };
  }

  /** A size such as "4m", "128MiB", "1g", "512k"; a bare number is in {@code bareUnit} ("b", "k", "m"...). */
  public static long bytes(String key, String value, String bareUnit) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int split = firstNonDigit(v);
    if (split == 0) {
      throw invalid(key, value, "a size such as 512k or 10m");
    }
    long amount = Long.parseLong(v.substring(0, split));
    String unit = split == v.length() ? bareUnit : v.substring(split).trim();
    long multiplier = switch (unit) {
      case "b" -> 1L;
      case "k", "kb", "kib" -> 1L << 10;
      case "m", "mb", "mib" -> 1L << 20;
      case "g", "gb", "gib" -> 1L << 30;
      case "t", "tb", "tib" -> 1L << 40;
      default -> throw invalid(key, value, "a size such as 512k or 10m");
    };
    return Math.multiplyExact(amount, multiplier);
  }

  public static int integer(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, value, "an integer");
    }
  }

  public static boolean bool(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw invalid(key, value, "true or false");
  }

  private static int firstNonDigit(String v) {
    int i = 0;
    while (i < v.length() && Character.isDigit(v.charAt(i))) {
      i++;
    }
    return i;
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "Invalid value '" + value + "' for " + key + ": expected " + expected);
  }
}
