package dev.vxconnect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {

  @Test
  void durationsWithSparksSuffixes() {
    assertThat(ConfigValues.duration("k", "60m", "ms")).isEqualTo(Duration.ofMinutes(60));
    assertThat(ConfigValues.duration("k", "30s", "ms")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigValues.duration("k", "500ms", "s")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigValues.duration("k", "250us", "ms")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(ConfigValues.duration("k", "2h", "ms")).isEqualTo(Duration.ofHours(2));
    assertThat(ConfigValues.duration("k", "1d", "ms")).isEqualTo(Duration.ofDays(1));
    assertThat(ConfigValues.duration("k", "5min", "ms")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigValues.duration("k", " 10M ", "ms")).as("case and blanks as Spark").isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void bareDurationIsInTheKeysUnit() {
    assertThat(ConfigValues.duration("k", "1500", "ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ConfigValues.duration("k", "30", "m")).isEqualTo(Duration.ofMinutes(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "soon", "10 parsecs", "10x", "-5s", "1.5h"})
  void malformedDurationsAreRejectedWithTheKey(String value) {
    assertThatThrownBy(() -> ConfigValues.duration("spark.some.timeout", value, "ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.some.timeout");
  }

  @Test
  void sizesWithSparksSuffixes() {
    assertThat(ConfigValues.bytes("k", "10m", "b")).isEqualTo(10L * 1024 * 1024);
    assertThat(ConfigValues.bytes("k", "512k", "b")).isEqualTo(512L * 1024);
    assertThat(ConfigValues.bytes("k", "1g", "b")).isEqualTo(1L << 30);
    assertThat(ConfigValues.bytes("k", "2t", "b")).isEqualTo(2L << 40);
    assertThat(ConfigValues.bytes("k", "128MiB", "b")).isEqualTo(128L << 20);
    assertThat(ConfigValues.bytes("k", "64mb", "b")).isEqualTo(64L << 20);
    assertThat(ConfigValues.bytes("k", "100b", "m")).isEqualTo(100);
    assertThat(ConfigValues.bytes("k", "10M", "b")).as("case as Spark").isEqualTo(10L << 20);
  }

  @Test
  void bareSizeIsInTheKeysUnit() {
    assertThat(ConfigValues.bytes("k", "134217728", "b")).isEqualTo(134_217_728L);
    assertThat(ConfigValues.bytes("k", "10", "m")).isEqualTo(10L << 20);
    assertThat(ConfigValues.bytes("k", "3", "k")).isEqualTo(3L << 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "lots", "10q", "-1m", "1.5g"})
  void malformedSizesAreRejectedWithTheKey(String value) {
    assertThatThrownBy(() -> ConfigValues.bytes("vxconnect.some.size", value, "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.some.size");
  }

  @Test
  void integersAndBooleans() {
    assertThat(ConfigValues.integer("k", " 42 ")).isEqualTo(42);
    assertThat(ConfigValues.bool("k", "TRUE")).isTrue();
    assertThat(ConfigValues.bool("k", "false")).isFalse();
    assertThatThrownBy(() -> ConfigValues.integer("the.key", "4.2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the.key");
    assertThatThrownBy(() -> ConfigValues.bool("the.key", "yes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the.key");
  }
}
