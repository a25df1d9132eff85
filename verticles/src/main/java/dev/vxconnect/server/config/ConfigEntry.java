package dev.vxconnect.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.network.util.ByteUnit;
import org.apache.spark.network.util.JavaUtils;

/**
 * One configuration key: its name, documentation, type, check and default, declared once as
 * Spark's {@code ConfigBuilder} does ({@code ConfigEntry.key(name).doc(...).intConf().checkValue(...)
 * .createWithDefault(...)}). The default lives here and nowhere else; conf/vxconnect.conf is
 * generated from the entries ({@link ConfFile}).
 */
public final class ConfigEntry<T> {

  private final String key;
  private final String doc;
  private final String defaultText;
  private final T defaultValue;
  private final boolean secret;
  private final Function<String, T> parse;

  private ConfigEntry(
      String key,
      String doc,
      String defaultText,
      T defaultValue,
      boolean secret,
      Function<String, T> parse) {
    this.key = key;
    this.doc = doc;
    this.defaultText = defaultText;
    this.defaultValue = defaultValue;
    this.secret = secret;
    this.parse = parse;
  }

  /** Starts the declaration of a key. */
  public static Builder key(String key) {
    return new Builder(key);
  }

  public String key() {
    return key;
  }

  public String doc() {
    return doc;
  }

  /** The default as written in the conf file; empty when the key is unset by default. */
  public Optional<String> defaultText() {
    return Optional.ofNullable(defaultText);
  }

  /** A secret is never logged and never given to Spark. */
  public boolean secret() {
    return secret;
  }

  /** The value {@code values} give this key, parsed and checked, else the default. */
  public T readFrom(Map<String, String> values) {
    String text = values.get(key);
    return text == null ? defaultValue : parse.apply(text);
  }

  @Override
  public String toString() {
    return key;
  }

  /** A key being declared: give its documentation, then its type. */
  public static final class Builder {
    private final String key;
    private String doc = "";
    private boolean secret;

    private Builder(String key) {
      this.key = key;
    }

    public Builder doc(String doc) {
      this.doc = doc;
      return this;
    }

    /** Never logged, never given to Spark. */
    public Builder secret() {
      this.secret = true;
      return this;
    }

    public Typed<Integer> intConf() {
      return typed("an integer", text -> Integer.parseInt(text.trim()));
    }

    public Typed<Boolean> booleanConf() {
      return typed(
          "true or false",
          text ->
              switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(text);
              });
    }

    public Typed<String> stringConf() {
      return typed("a string", text -> text);
    }

    public Typed<Path> pathConf() {
      return typed("a path", text -> Path.of(text.trim()));
    }

    /** A comma-separated list; blanks around items and empty items are dropped. */
    public Typed<List<String>> stringListConf() {
      return typed(
          "a comma-separated list",
          text ->
              Arrays.stream(text.split(","))
                  .map(String::trim)
                  .filter(item -> !item.isEmpty())
                  .toList());
    }

    /** One of {@code choices}' names, case-insensitive (the names are lower case). */
    public <T> Typed<T> oneOf(Map<String, T> choices) {
      return typed(
          "one of " + String.join(", ", choices.keySet()),
          text -> {
            T value = choices.get(text.trim().toLowerCase(Locale.ROOT));
            if (value == null) {
              throw new IllegalArgumentException(text);
            }
            return value;
          });
    }

    /** A size as Spark writes it ("512k", "10m", "1g"); a bare number is in bytes. */
    public Typed<Long> bytesConf() {
      return typed(
          "a size such as 512k or 10m", text -> JavaUtils.byteStringAs(text, ByteUnit.BYTE));
    }

    /**
     * A duration as Spark writes it ("500ms", "30s", "5m", "2h", "1d"); a bare number is in
     * {@code bareUnit}. Kept to the microsecond, where Spark would round to {@code bareUnit}.
     */
    public Typed<Duration> timeConf(TimeUnit bareUnit) {
      return typed(
          "a duration such as 30s or 5m",
          text -> {
            long micros = JavaUtils.timeStringAs(text, TimeUnit.MICROSECONDS);
            String trimmed = text.trim();
            return trimmed.chars().allMatch(Character::isDigit)
                ? Duration.of(Long.parseLong(trimmed), bareUnit.toChronoUnit())
                : Duration.of(micros, ChronoUnit.MICROS);
          });
    }

    private <T> Typed<T> typed(String expected, Function<String, T> parse) {
      return new Typed<>(this, expected, parse);
    }
  }

  /** A key with its type: add checks, then give its default. */
  public static final class Typed<T> {
    private final Builder builder;
    private final String expected;
    private final Function<String, T> parse;
    private Predicate<T> check = value -> true;
    private String checkMessage = "";

    private Typed(Builder builder, String expected, Function<String, T> parse) {
      this.builder = builder;
      this.expected = expected;
      this.parse = parse;
    }

    /** Values failing {@code check} are refused with "{@code key}: {@code message}". */
    public Typed<T> checkValue(Predicate<T> check, String message) {
      Predicate<T> before = this.check;
      this.check = value -> before.test(value) && check.test(value);
      this.checkMessage = checkMessage.isEmpty() ? message : checkMessage + ", " + message;
      return this;
    }

    public ConfigEntry<T> createWithDefault(T value) {
      return createWithDefaultString(String.valueOf(value));
    }

    /** The default as written in the conf file ("60m"), parsed and checked as any value. */
    public ConfigEntry<T> createWithDefaultString(String text) {
      return new ConfigEntry<>(
          builder.key, builder.doc, text, read(text), builder.secret, this::read);
    }

    /** No default: unset (or blank) is empty. */
    public ConfigEntry<Optional<T>> createOptional() {
      return new ConfigEntry<>(
          builder.key,
          builder.doc,
          null,
          Optional.empty(),
          builder.secret,
          text -> text.isBlank() ? Optional.empty() : Optional.of(read(text)));
    }

    private T read(String text) {
      String shown = builder.secret ? "***" : text;
      T value;
      try {
        value = parse.apply(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "Invalid value '" + shown + "' for " + builder.key + ": expected " + expected, e);
      }
      if (!check.test(value)) {
        throw new IllegalArgumentException(
            "Invalid value '" + shown + "' for " + builder.key + ": " + checkMessage);
      }
      return value;
    }
  }
}
