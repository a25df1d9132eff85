package dev.vxconnect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

  @Test
  void everyKeyIsDocumentedInTheShippedConfFile() throws Exception {
    String conf = Files.readString(Path.of("..", "conf", "vxconnect.conf"));
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      String documented = "# " + key.name() + (key.defaultValue() == null || key.defaultValue().isEmpty() ? "" : " " + key.defaultValue());
      assertThat(conf).as("conf/vxconnect.conf documents %s with its default", key.name())
          .containsPattern("(?m)^" + java.util.regex.Pattern.quote(documented) + "$");
    }
  }

  @Test
  void keyNamesAreUnique() {
    assertThat(ConfigKeys.ALL).extracting(ConfigKeys.Key::name).doesNotHaveDuplicates();
  }

  @Test
  void theShippedConfFileLoads() {
    ServerConfig config = new OptionsLoader().file(Path.of("..", "conf", "vxconnect.conf")).load();
    assertThat(config.server().getPort()).isEqualTo(ServerOptions.DEFAULT_PORT);
  }
}
