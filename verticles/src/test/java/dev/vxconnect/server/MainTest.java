package dev.vxconnect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir Path home;

  @Test
  void noArgumentsGiveTheDefaults() {
    ServerConfig config = Main.parse(List.of(), Map.of());

    assertThat(config.server().port()).isEqualTo(15002);
    assertThat(config.engine().sparkConf()).isEmpty();
    assertThat(config.cluster().enabled()).isFalse();
  }

  @Test
  void shortcutsSetTheirKeys() {
    ServerConfig config =
        Main.parse(
            List.of(
                "--port",
                "16002",
                "--master",
                "spark://spark-master:7077",
                "--cluster-members",
                "vx-0:5701, vx-1:5701",
                "--conf",
                "spark.executor.memory=2g"),
            Map.of("VXCONNECT_CLUSTER_SECRET", "the-secret-of-this-test"));

    assertThat(config.server().port()).isEqualTo(16002);
    assertThat(config.engine().sparkConf())
        .containsEntry("spark.master", "spark://spark-master:7077")
        .containsEntry("spark.executor.memory", "2g");
    assertThat(config.cluster().enabled()).as("members given: the cluster is on").isTrue();
    assertThat(config.cluster().members()).containsExactly("vx-0:5701", "vx-1:5701");
  }

  @Test
  void laterArgumentsWinAndTheEnvironmentWinsOverAll() {
    ServerConfig config =
        Main.parse(
            List.of(
                "--port",
                "1",
                "--conf",
                "spark.connect.grpc.binding.port=2",
                "--cluster-members",
                "a:5701",
                "--conf",
                "vxconnect.cluster.enabled=false"),
            Map.of("SPARK_CONNECT_GRPC_BINDING_PORT", "3"));

    assertThat(config.server().port()).isEqualTo(3);
    assertThat(config.cluster().enabled()).isFalse();
  }

  @Test
  void theConfFileComesFromVxconnectHomeOrTheOption() throws IOException {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/vxconnect.conf"), "spark.master spark://from-home:7077\n");
    Path other =
        Files.writeString(home.resolve("other.conf"), "spark.master spark://from-option:7077\n");

    assertThat(
            Main.parse(List.of(), Map.of("VXCONNECT_HOME", home.toString())).engine().sparkConf())
        .containsEntry("spark.master", "spark://from-home:7077");
    assertThat(
            Main.parse(
                    List.of("--conf-file", other.toString()),
                    Map.of("VXCONNECT_HOME", home.toString()))
                .engine()
                .sparkConf())
        .containsEntry("spark.master", "spark://from-option:7077");
    assertThat(
            Main.parse(List.of("--conf-file", other.toString(), "--master", "local[2]"), Map.of())
                .engine()
                .sparkConf())
        .as("--master over the file")
        .containsEntry("spark.master", "local[2]");
  }

  @Test
  void helpIsNotAConfiguration() {
    assertThat(Main.parse(List.of("--port", "1", "--help"), Map.of())).isNull();
    assertThat(Main.parse(List.of("-h"), Map.of())).isNull();
    assertThat(Main.USAGE)
        .contains("--cluster-members", "stop", "start", "--master", "--conf-file");
  }

  @Test
  void mistakesAreExplained() {
    assertThatThrownBy(() -> Main.parse(List.of("--prot", "1"), Map.of()))
        .hasMessageContaining("Unknown argument: --prot");
    assertThatThrownBy(() -> Main.parse(List.of("--cluster-members"), Map.of()))
        .hasMessageContaining("--cluster-members needs a value");
    assertThatThrownBy(() -> Main.parse(List.of("--conf", "novalue"), Map.of()))
        .hasMessageContaining("Expected --conf key=value");
  }
}
