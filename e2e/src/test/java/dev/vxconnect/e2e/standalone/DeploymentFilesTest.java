package dev.vxconnect.e2e.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files at the repository root and under deploy/ agree with each other and with
 * the build: docker-compose.yml is valid for the Compose CLI, its Spark image is the version
 * vxconnect embeds, every instance is a member, behind the balancer and on the state database. The
 * CLIs are test prerequisites (.ci/run installs them: apt-get install docker-compose haproxy).
 */
class DeploymentFilesTest {

  private static final Path HOME = ServerProcess.home();

  /**
   * The compose file asks for the database password and the cluster secret in the environment:
   * values for the checks.
   */
  private static final Map<String, String> PASSWORD =
      Map.of(
          "VXCONNECT_STATE_DB_PASSWORD", "checked", "VXCONNECT_CLUSTER_SECRET", "checked-secret");

  @Test
  void composeFileIsValid() throws Exception {
    Result result = compose("config", "-q");
    assertThat(result.exit()).as("docker-compose config said: %s", result.output()).isZero();
  }

  @Test
  void composeFileNeedsTheDatabasePasswordAndTheClusterSecret() throws Exception {
    Result result =
        run(composeCommand("config", "-q"), Map.of("VXCONNECT_CLUSTER_SECRET", "checked-secret"));
    assertThat(result.exit()).as("config without the password").isNotZero();
    assertThat(result.output()).contains("set VXCONNECT_STATE_DB_PASSWORD");
    result = run(composeCommand("config", "-q"), Map.of("VXCONNECT_STATE_DB_PASSWORD", "checked"));
    assertThat(result.exit()).as("config without the cluster secret").isNotZero();
    assertThat(result.output()).contains("set VXCONNECT_CLUSTER_SECRET");
  }

  /**
   * Every instance, as Compose resolves the file, waits for the PostgreSQL service to be healthy
   * and gets its password, and the instances' configuration points at that service.
   */
  @Test
  void everyComposeInstanceUsesTheStateDatabase() throws Exception {
    Map<String, String> services = resolvedServices(compose("config"));
    assertThat(services.get("postgres"))
        .as("the postgres service")
        .isNotNull()
        .containsPattern("image: postgres:\\d+")
        .contains("pg_isready")
        .contains("POSTGRES_DB: vxconnect")
        .contains("POSTGRES_USER: vxconnect")
        .contains("POSTGRES_PASSWORD: checked")
        .contains("postgres:/var/lib/postgresql/data");
    List<String> instances =
        services.keySet().stream().filter(name -> name.matches("vxconnect-\\d+")).toList();
    assertThat(instances).hasSizeBetween(2, 3);
    for (String instance : instances) {
      assertThat(services.get(instance))
          .as(instance)
          .containsPattern("depends_on:[\\s\\S]*postgres:\\s+condition: service_healthy")
          .contains("VXCONNECT_STATE_JDBC_PASSWORD: checked")
          .contains("VXCONNECT_CLUSTER_SECRET: checked-secret")
          .contains("compose-vxconnect.conf:/opt/vxconnect/conf/vxconnect.conf:ro")
          .contains("warehouse:/data/warehouse");
    }
    String conf = read("deploy/compose-vxconnect.conf");
    assertThat(conf)
        .containsPattern("(?m)^vxconnect.state.jdbc.url jdbc:postgresql://postgres:5432/vxconnect$")
        .containsPattern("(?m)^vxconnect.state.jdbc.user vxconnect$")
        .containsPattern("(?m)^spark.sql.warehouse.dir /data/warehouse$");
  }

  /**
   * The Spark master's UI and one instance's Spark UI (its Connect tab lists that instance's
   * sessions and statements) are published, as Compose resolves the file.
   */
  @Test
  void composePublishesTheMasterUiAndOneInstanceUi() throws Exception {
    Map<String, String> services = resolvedServices(compose("config"));
    assertThat(services.get("spark-master"))
        .as("the master's UI (--webui-port 8080)")
        .containsPattern("ports:[\\s\\S]*(published: 8080\\s+target: 8080|:8080:8080)");
    List<String> publishingUi =
        services.entrySet().stream()
            .filter(e -> e.getKey().matches("vxconnect-\\d+"))
            .filter(e -> e.getValue().contains("127.0.0.1:4040:4040"))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(publishingUi).as("instances publishing their Spark UI on loopback").hasSize(1);
  }

  @Test
  void kubernetesPodsUseTheStateDatabaseSecret() throws IOException {
    String statefulSet = read("deploy/kubernetes/statefulset.yaml");
    for (String[] variable :
        new String[][] {
          {"VXCONNECT_STATE_JDBC_URL", "url"},
          {"VXCONNECT_STATE_JDBC_USER", "user"},
          {"VXCONNECT_STATE_JDBC_PASSWORD", "password"}
        }) {
      assertThat(statefulSet)
          .containsPattern(
              "- name: "
                  + variable[0]
                  + "\\s+valueFrom:\\s+secretKeyRef:\\s+"
                  + "name: vxconnect-state-db\\s+key: "
                  + variable[1]
                  + "\\s");
    }
    String secret = read("deploy/kubernetes/state-db-secret.example.yaml");
    assertThat(secret)
        .contains("name: vxconnect-state-db")
        .contains("url: jdbc:postgresql://")
        .contains("user: ")
        .contains("password: ");
    assertThat(read("deploy/kubernetes/kustomization.yaml")).doesNotContain("state-db-secret");
  }

  /**
   * The admin port listens on loopback by default: the deployments bind it where the other
   * instances (and Prometheus) reach it, and take its optional token from the environment.
   */
  @Test
  void deploymentsExposeTheAdminPortToTheOtherInstancesWithItsTokenFromTheEnvironment()
      throws Exception {
    assertThat(read("deploy/compose-vxconnect.conf"))
        .containsPattern("(?m)^vxconnect.admin.port 9090$")
        .containsPattern("(?m)^vxconnect.admin.address 0.0.0.0$");
    Result resolved =
        run(
            composeCommand("config"),
            Map.of(
                "VXCONNECT_STATE_DB_PASSWORD",
                "checked",
                "VXCONNECT_CLUSTER_SECRET",
                "checked-secret",
                "VXCONNECT_ADMIN_TOKEN",
                "admin-checked"));
    Map<String, String> services = resolvedServices(resolved);
    List<String> instances =
        services.keySet().stream().filter(name -> name.matches("vxconnect-\\d+")).toList();
    assertThat(instances).isNotEmpty();
    for (String instance : instances) {
      assertThat(services.get(instance))
          .as(instance)
          .contains("VXCONNECT_ADMIN_TOKEN: admin-checked");
    }
    assertThat(compose("config", "-q").exit()).as("the token is optional").isZero();

    String statefulSet = read("deploy/kubernetes/statefulset.yaml");
    assertThat(statefulSet)
        .containsPattern("- name: VXCONNECT_ADMIN_ADDRESS\\s+value: \"0.0.0.0\"")
        .containsPattern(
            "- name: VXCONNECT_ADMIN_TOKEN\\s+valueFrom:\\s+secretKeyRef:\\s+"
                + "name: vxconnect-admin\\s+key: token\\s+optional: true\\s");
  }

  /**
   * Every pod gets the cluster secret from a Secret that no example applies, and only vxconnect
   * pods may reach the Hazelcast port.
   */
  @Test
  void kubernetesPodsShareTheClusterSecretAndHazelcastIsIsolated() throws IOException {
    assertThat(read("deploy/kubernetes/statefulset.yaml"))
        .containsPattern(
            "- name: VXCONNECT_CLUSTER_SECRET\\s+valueFrom:\\s+secretKeyRef:\\s+"
                + "name: vxconnect-cluster\\s+key: secret\\s");
    assertThat(read("deploy/kubernetes/cluster-secret.example.yaml"))
        .contains("name: vxconnect-cluster")
        .contains("secret: ");
    String kustomization = read("deploy/kubernetes/kustomization.yaml");
    assertThat(kustomization).doesNotContain("cluster-secret").contains("network-policy.yaml");
    String policy = read("deploy/kubernetes/network-policy.yaml");
    assertThat(policy)
        .contains("kind: NetworkPolicy")
        .containsPattern(
            "- from:\\s+- podSelector:\\s+matchLabels:\\s+app.kubernetes.io/name: vxconnect"
                + "\\s+ports:\\s+- port: 5701\\s");
    assertThat(policy.split("port: 5701", -1)).as("5701 in one rule only").hasSize(2);
  }

  /** The service blocks of what {@code docker-compose config} resolved, which must succeed. */
  private static Map<String, String> resolvedServices(Result resolved) {
    assertThat(resolved.exit()).as("docker-compose config said: %s", resolved.output()).isZero();
    return serviceBlocks(resolved.output());
  }

  /** The service blocks of a resolved compose file, by service name. */
  private static Map<String, String> serviceBlocks(String resolved) {
    Map<String, String> blocks = new TreeMap<>();
    String services = resolved.substring(resolved.indexOf("\nservices:\n") + 1);
    Matcher start = Pattern.compile("(?m)^  ([\\w.-]+):$").matcher(services);
    int end = services.indexOf("\nvolumes:");
    List<MatchResult> heads = start.results().filter(m -> end < 0 || m.start() < end).toList();
    for (int i = 0; i < heads.size(); i++) {
      int to =
          i + 1 < heads.size() ? heads.get(i + 1).start() : (end < 0 ? services.length() : end);
      blocks.put(heads.get(i).group(1), services.substring(heads.get(i).end(), to));
    }
    return blocks;
  }

  private static Result compose(String... args) throws Exception {
    return run(composeCommand(args), PASSWORD);
  }

  private static List<String> composeCommand(String... args) throws InterruptedException {
    List<String> cli = composeCli();
    assertThat(cli)
        .as(
            "neither `docker compose` nor `docker-compose` is installed here"
                + " (apt-get install docker-compose): docker-compose.yml cannot be checked")
        .isNotNull();
    List<String> command = new ArrayList<>(cli);
    command.addAll(List.of("-f", HOME.resolve("docker-compose.yml").toString()));
    command.addAll(List.of(args));
    return command;
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
    assertThat(installed)
        .as(
            "haproxy is not installed here (apt-get install haproxy):"
                + " deploy/haproxy.cfg cannot be checked")
        .isTrue();
    // Outside the compose network the instances' names do not resolve: warnings, not errors.
    List<String> command =
        List.of("haproxy", "-c", "-f", HOME.resolve("deploy/haproxy.cfg").toString());
    Result result = run(command);
    assertThat(result.exit())
        .as("%s said: %s", String.join(" ", command), result.output())
        .isZero();
  }

  @Test
  void sparkImagesAreTheEmbeddedSparkVersion() throws IOException {
    Matcher version =
        Pattern.compile("<spark.version>([^<]+)</spark.version>").matcher(read("pom.xml"));
    assertThat(version.find()).isTrue();
    List<String> tags =
        Pattern.compile("apache/spark:(\\S+)")
            .matcher(read("docker-compose.yml"))
            .results()
            .map(m -> m.group(1))
            .distinct()
            .toList();
    assertThat(tags).containsExactly(version.group(1));
  }

  @Test
  void everyComposeInstanceIsAMemberAndBehindTheBalancer() throws IOException {
    String compose = read("docker-compose.yml");
    String conf = read("deploy/compose-vxconnect.conf");
    String haproxy = read("deploy/haproxy.cfg");
    List<String> instances =
        Pattern.compile("(?m)^  (vxconnect-\\d+):$")
            .matcher(compose)
            .results()
            .map(m -> m.group(1))
            .toList();
    assertThat(instances).hasSizeBetween(2, 3);
    Matcher members = Pattern.compile("(?m)^vxconnect.cluster.members (\\S+)$").matcher(conf);
    assertThat(members.find()).isTrue();
    for (String instance : instances) {
      assertThat(members.group(1).split(",")).contains(instance + ":5701");
      assertThat(haproxy).contains("server " + instance + " " + instance + ":15002 check");
      assertThat(compose)
          .contains(
              "spark.driver.host=" + instance,
              "vxconnect.cluster.advertisedAddress=" + instance + ":15002");
    }
  }

  @Test
  void kubernetesMembersAreTheStatefulSetsPods() throws IOException {
    String statefulSet = read("deploy/kubernetes/statefulset.yaml");
    Matcher replicas = Pattern.compile("(?m)^  replicas: (\\d+)$").matcher(statefulSet);
    assertThat(replicas.find()).isTrue();
    Matcher members =
        Pattern.compile("VXCONNECT_CLUSTER_MEMBERS\\s+value: \"([^\"]+)\"").matcher(statefulSet);
    assertThat(members.find()).isTrue();
    List<String> expected =
        IntStream.range(0, Integer.parseInt(replicas.group(1)))
            .mapToObj(i -> "vxconnect-" + i + ".vxconnect-members:5701")
            .toList();
    assertThat(members.group(1).split(",")).containsExactlyElementsOf(expected);
  }

  /** {@code docker compose} (the plugin) or {@code docker-compose}, whichever answers; null if neither. */
  private static List<String> composeCli() throws InterruptedException {
    for (List<String> cli : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> version = new ArrayList<>(cli);
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
    return run(command, Map.of());
  }

  private static Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).directory(HOME.toFile());
    builder.environment().remove("VXCONNECT_STATE_DB_PASSWORD");
    builder.environment().remove("VXCONNECT_CLUSTER_SECRET");
    builder.environment().putAll(env);
    Process process = builder.start();
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
