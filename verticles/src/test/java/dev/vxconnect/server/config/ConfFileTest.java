package dev.vxconnect.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConfFileTest {

  private static final Path SHIPPED = Path.of("..", "conf", "vxconnect.conf");

  /** With -Dvxconnect.conf.write=true, writes the generated file first: the way to regenerate it. */
  @Test
  void theShippedConfFileIsTheGeneratedOne() throws Exception {
    String generated = ConfFile.render();
    if (Boolean.getBoolean("vxconnect.conf.write")) {
      Files.writeString(SHIPPED, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(SHIPPED, StandardCharsets.UTF_8))
        .as(
            "conf/vxconnect.conf differs from what ConfigKeys generates; regenerate it with%n"
                + "  mvn -pl verticles -am test -Dtest=ConfFileTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dvxconnect.conf.write=true")
        .isEqualTo(generated);
  }

  @Test
  void everyKeyIsShownWithItsDefault() {
    String conf = ConfFile.render();
    assertThat(conf)
        .containsPattern("(?m)^# spark\\.connect\\.grpc\\.binding\\.port 15002$")
        .containsPattern("(?m)^# spark\\.connect\\.session\\.manager\\.defaultSessionTimeout 60m$")
        .containsPattern("(?m)^# vxconnect\\.admin\\.port$")
        .containsPattern("(?m)^# vxconnect\\.cluster\\.members$");
    for (ConfigEntry<?> entry : ConfigKeys.ALL) {
      assertThat(conf).containsPattern("(?m)^# " + Pattern.quote(entry.key()) + "( |$)");
    }
  }

  @Test
  void everyLineIsACommentSoTheShippedFileChangesNothing() throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(SHIPPED, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    assertThat(properties).isEmpty();
  }

  @Test
  void linesFitTheWidth() {
    assertThat(ConfFile.render().lines())
        .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(100));
  }
}
