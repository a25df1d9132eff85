package dev.vxconnect.e2e.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files at the repository root and under deploy/ agree with each other and with
 * the build: docker-compose.yml is valid for the Compose CLI (when one is installed), its Spark
 * image is the version vxconnect embeds, and every instance is a member and behind the balancer.
 */
class DeploymentFilesTest {

  private static final Path HOME = ServerProcess.home();

  @Test
  void composeFileIsValid() throws Exception {
    List<String> cli = composeCli();
    assumeTrue(cli != null, "neither `docker compose` nor `docker-compose` is installed here:"
        + " docker-compose.yml not validated (apt-get install docker-compose to check it)");
    List<String> command = new java.util.ArrayList<>(cli);
    command.addAll(List.of("-f", HOME.resolve("docker-compose.yml").toString(), "config", "-q"));
    Result result = run(command);
    assertThat(result.exit()).as("%s said: %s", String.join(" ", command), result.output()).isZero();
  }

  @Test
  void haproxyConfigIsValid() throws Exception {
    List<String> version = List.of("haproxy", "-v");
    boolean installed;
    try {
      installed = run(version).exit() == 0;
    } catch (IOException e) {
      installed = false;
    }
    assumeTrue(installed, "haproxy is not installed here: deploy/haproxy.cfg not checked"
        + " (apt-get install haproxy to check it)");
    // Outside the compose network the instances' names do not resolve: warnings, not errors.
    List<String> command = List.of("haproxy", "-c", "-f", HOME.resolve("deploy/haproxy.cfg").toString());
    Result result = run(command);
    assertThat(result.exit()).as("%s said: %s", String.join(" ", command), result.output()).isZero();
  }

  @Test
  void sparkImagesAreTheEmbeddedSparkVersion() throws IOException {
    Matcher version = Pattern.compile("<spark.version>([^<]+)</spark.version>").matcher(read("pom.xml"));
    assertThat(version.find()).isTrue();
    List<String> tags = Pattern.compile("apache/spark:(\\S+)").matcher(read("docker-compose.yml"))
        .results().map(m -> m.group(1)).distinct().toList();
    assertThat(tags).containsExactly(version.group(1));
  }

  @Test
  void everyComposeInstanceIsAMemberAndBehindTheBalancer() throws IOException {
    String compose = read("docker-compose.yml");
    String conf = read("deploy/compose-vxconnect.conf");
    String haproxy = read("deploy/haproxy.cfg");
    List<String> instances = Pattern.compile("(?m)^  (vxconnect-\\d+):$").matcher(compose)
        .results().map(m -> m.group(1)).toList();
    assertThat(instances).hasSizeBetween(2, 3);
    Matcher members = Pattern.compile("(?m)^vxconnect.cluster.members (\\S+)$").matcher(conf);
    assertThat(members.find()).isTrue();
    for (String instance : instances) {
      assertThat(members.group(1).split(",")).contains(instance + ":5701");
      assertThat(haproxy).contains("server " + instance + " " + instance + ":15002 check");
      assertThat(compose).contains("spark.driver.host=" + instance,
          "vxconnect.cluster.advertisedAddress=" + instance + ":15002");
    }
  }

  @Test
  void kubernetesMembersAreTheStatefulSetsPods() throws IOException {
    String statefulSet = read("deploy/kubernetes/statefulset.yaml");
    Matcher replicas = Pattern.compile("(?m)^  replicas: (\\d+)$").matcher(statefulSet);
    assertThat(replicas.find()).isTrue();
    Matcher members = Pattern.compile("VXCONNECT_CLUSTER_MEMBERS\\s+value: \"([^\"]+)\"").matcher(statefulSet);
    assertThat(members.find()).isTrue();
    List<String> expected = java.util.stream.IntStream.range(0, Integer.parseInt(replicas.group(1)))
        .mapToObj(i -> "vxconnect-" + i + ".vxconnect-members:5701").toList();
    assertThat(members.group(1).split(",")).containsExactlyElementsOf(expected);
  }

  /** {@code docker compose} (the plugin) or {@code docker-compose}, whichever answers; null if neither. */
  private static List<String> composeCli() throws InterruptedException {
    for (List<String> cli : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> version = new java.util.ArrayList<>(cli);
      version.add("version");
      try {
        if (run(version).exit() == 0) {
          return cli;
        }
      } catch (IOException e) {
        // not installed
      }
    }
    return null;
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).directory(HOME.toFile()).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(command + " did not finish within 60 s");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String read(String file) throws IOException {
    return Files.readString(HOME.resolve(file));
  }
}
