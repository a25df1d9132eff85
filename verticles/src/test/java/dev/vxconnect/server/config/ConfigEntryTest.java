package dev.vxconnect.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigEntryTest {

  private static final ConfigEntry<Duration> MILLIS =
      ConfigEntry.key("spark.some.timeout")
          .timeConf(TimeUnit.MILLISECONDS)
          .createWithDefaultString("1s");
  private static final ConfigEntry<Duration> MINUTES =
      ConfigEntry.key("spark.some.expiration")
          .timeConf(TimeUnit.MINUTES)
          .createWithDefaultString("30");
  private static final ConfigEntry<Long> SIZE =
      ConfigEntry.key("vxconnect.some.size").bytesConf().createWithDefaultString("10m");

  private static <T> T read(ConfigEntry<T> entry, String value) {
    return entry.readFrom(Map.of(entry.key(), value));
  }

  @Test
  void durationsWithSparksSuffixes() {
    assertThat(read(MILLIS, "60m")).isEqualTo(Duration.ofMinutes(60));
    assertThat(read(MILLIS, "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(read(MILLIS, "250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(read(MILLIS, "2h")).isEqualTo(Duration.ofHours(2));
    assertThat(read(MILLIS, "1d")).isEqualTo(Duration.ofDays(1));
    assertThat(read(MILLIS, "5min")).isEqualTo(Duration.ofMinutes(5));
    assertThat(read(MILLIS, " 10M "))
        .as("case and blanks as Spark")
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(read(MINUTES, "90s"))
        .as("not rounded to the bare unit")
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aBareDurationIsInTheKeysUnit() {
    assertThat(read(MILLIS, "1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(read(MINUTES, "30")).isEqualTo(Duration.ofMinutes(30));
    assertThat(MINUTES.readFrom(Map.of())).as("the default").isEqualTo(Duration.ofMinutes(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "soon", "10 parsecs", "10x", "1.5h"})
  void malformedDurationsAreRefusedWithTheKey(String value) {
    assertThatThrownBy(() -> read(MILLIS, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.some.timeout")
        .hasMessageContaining("a duration");
  }

  @Test
  void sizesWithSparksSuffixes() {
    assertThat(read(SIZE, "10m")).isEqualTo(10L << 20);
    assertThat(read(SIZE, "512k")).isEqualTo(512L << 10);
    assertThat(read(SIZE, "1g")).isEqualTo(1L << 30);
    assertThat(read(SIZE, "2t")).isEqualTo(2L << 40);
    assertThat(read(SIZE, "64mb")).isEqualTo(64L << 20);
    assertThat(read(SIZE, "100b")).isEqualTo(100);
    assertThat(read(SIZE, "10M")).as("case as Spark").isEqualTo(10L << 20);
    assertThat(read(SIZE, "134217728")).as("a bare size is in bytes").isEqualTo(134_217_728L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "lots", "10q", "-1m", "1.5g"})
  void malformedSizesAreRefusedWithTheKey(String value) {
    assertThatThrownBy(() -> read(SIZE, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.some.size");
  }

  @Test
  void integersBooleansAndLists() {
    ConfigEntry<Integer> number = ConfigEntry.key("the.number").intConf().createWithDefault(1);
    ConfigEntry<Boolean> flag = ConfigEntry.key("the.flag").booleanConf().createWithDefault(false);
    ConfigEntry<List<String>> list =
        ConfigEntry.key("the.list").stringListConf().createWithDefaultString("");
    assertThat(read(number, " 42 ")).isEqualTo(42);
    assertThat(read(flag, "TRUE")).isTrue();
    assertThat(read(flag, "false")).isFalse();
    assertThat(read(list, " a:1, ,b:2 ")).containsExactly("a:1", "b:2");
    assertThat(list.readFrom(Map.of())).isEmpty();
    assertThatThrownBy(() -> read(number, "4.2")).hasMessageContaining("the.number");
    assertThatThrownBy(() -> read(flag, "yes")).hasMessageContaining("the.flag");
  }

  @Test
  void aCheckRefusesWithTheKeyAndWhatIsExpected() {
    assertThatThrownBy(() -> read(ConfigKeys.SESSION_TIMEOUT, "-5s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.connect.session.manager.defaultSessionTimeout")
        .hasMessageContaining("at least 1ms");
    assertThatThrownBy(() -> read(ConfigKeys.BINDING_PORT, "65536"))
        .hasMessageContaining("from 0 to 65535");
    assertThatThrownBy(
            () ->
                ConfigEntry.key("k")
                    .intConf()
                    .checkValue(n -> n > 0, "must be > 0")
                    .createWithDefault(0))
        .as("a default is checked too")
        .hasMessageContaining("must be > 0");
  }

  @Test
  void anOptionalKeyIsEmptyUnsetOrBlank() {
    assertThat(ConfigKeys.ADMIN_PORT.readFrom(Map.of())).isEmpty();
    assertThat(read(ConfigKeys.ADMIN_PORT, " ")).isEmpty();
    assertThat(read(ConfigKeys.ADMIN_PORT, "8090")).isEqualTo(Optional.of(8090));
    assertThat(ConfigKeys.ADMIN_PORT.defaultText()).isEmpty();
    assertThat(ConfigKeys.SESSION_TIMEOUT.defaultText()).contains("60m");
  }

  @Test
  void aSecretIsNeverShown() {
    ConfigEntry<Integer> secret =
        ConfigEntry.key("the.secret").secret().intConf().createWithDefault(1);
    assertThatThrownBy(() -> read(secret, "hunter2"))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("the.secret");
    assertThat(ConfigKeys.AUTH_TOKEN.secret()).isTrue();
    assertThat(
            new Conf(
                    Map.of("spark.connect.authenticate.token", "t0ken", "spark.master", "local[1]"))
                .sparkConf())
        .as("a secret is not given to Spark")
        .containsOnlyKeys("spark.master");
  }

  @Test
  void oneOfAFewNamesCaseBlind() {
    ConfigEntry<Optional<CertificateUserField>> field = ConfigKeys.AUTH_MTLS_USER_FROM;
    assertThat(read(field, "san-uri")).contains(CertificateUserField.SAN_URI);
    assertThat(read(field, " CN ")).contains(CertificateUserField.CN);
    assertThat(read(field, "")).isEmpty();
    assertThatThrownBy(() -> read(field, "san"))
        .hasMessage(
            "Invalid value 'san' for vxconnect.auth.mtls.userFrom: expected one of cn, san-email,"
                + " san-dns, san-uri");
  }
}
