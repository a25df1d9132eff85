package dev.vxconnect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.server.config.ConfigEntry;
import dev.vxconnect.server.config.ConfigKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsLoaderTest {

  @TempDir Path temp;

  @Test
  void defaultsAreSparks() {
    ServerConfig config = new OptionsLoader().load();

    assertThat(config.server().port()).isEqualTo(15002);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.server().maxInboundMessageSize()).isEqualTo(128L * 1024 * 1024);
    assertThat(config.server().recursionLimit()).isEqualTo(1024);
    assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(60));
    assertThat(config.sessions().tombstones()).isEqualTo(1000);
    assertThat(config.sessions().maintenanceInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.execution().retryBufferBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(config.execution().reattachableEnabled()).isTrue();
    assertThat(config.execution().finishedOperationsMemory()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.execution().bufferAheadBytes()).isEqualTo(8L << 20);
    assertThat(config.engine().resultWindowBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.engine().sparkConf()).isEmpty();
  }

  @Test
  void fileThenConfThenEnvironment() throws IOException {
    Path file =
        Files.writeString(
            temp.resolve("vxconnect.conf"),
            String.join(
                "\n",
                "# comment",
                "spark.connect.grpc.binding.port 1001",
                "vxconnect.execution.threads=3",
                "spark.connect.session.manager.defaultSessionTimeout = 5m",
                "vxconnect.execution.maxOperations 7",
                ""));

    ServerConfig config =
        new OptionsLoader()
            .file(file)
            .pair("spark.connect.grpc.binding.port=2002")
            .pair("spark.connect.session.manager.defaultSessionTimeout=10m")
            .pair("vxconnect.rpc.threads=5")
            .environment(
                Map.of(
                    "SPARK_CONNECT_GRPC_BINDING_PORT", "3003",
                    "VXCONNECT_RPC_THREADS", "6",
                    "VXCONNECT_EXECUTION_MAX_OPERATIONS", "  "))
            .load();

    assertThat(config.server().port()).as("environment over --conf over file").isEqualTo(3003);
    assertThat(config.sessions().idleTimeout())
        .as("--conf over file")
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(config.execution().rpcThreads()).as("environment over --conf").isEqualTo(6);
    assertThat(config.execution().executeThreads()).as("file only").isEqualTo(3);
    assertThat(config.execution().maxOperations()).as("a blank variable is ignored").isEqualTo(7);
  }

  @Test
  void theAdminAddressIsWhereTheAdminServiceListens() {
    ServerConfig everyInterface =
        new OptionsLoader()
            .pair("vxconnect.cluster.advertisedAddress=vxconnect-2:15002")
            .pair("vxconnect.admin.port=8090")
            .pair("vxconnect.admin.address=0.0.0.0")
            .load();
    assertThat(everyInterface.cluster().adminAddress())
        .as("on every interface: the advertised host")
        .contains("vxconnect-2:8090");

    ServerConfig loopback =
        new OptionsLoader()
            .pair("vxconnect.cluster.advertisedAddress=vxconnect-2:15002")
            .pair("vxconnect.admin.port=8091")
            .load();
    assertThat(loopback.admin().address()).as("the default").isEqualTo("127.0.0.1");
    assertThat(loopback.cluster().adminAddress())
        .as("on loopback: reached there (by the instances of this host only)")
        .contains("127.0.0.1:8091");

    ServerConfig oneInterface =
        new OptionsLoader()
            .pair("vxconnect.admin.port=8092")
            .pair("vxconnect.admin.address=10.1.2.3")
            .load();
    assertThat(oneInterface.cluster().adminAddress()).contains("10.1.2.3:8092");

    assertThat(new OptionsLoader().load().cluster().adminAddress())
        .as("no admin service")
        .isEmpty();
    assertThat(new OptionsLoader().pair("vxconnect.admin.port=0").load().cluster().adminAddress())
        .as("a port picked at start is not known to the others")
        .isEmpty();
  }

  @Test
  void adminTokenAndTlsAreReadAndTheTokenIsNotShown() {
    ServerConfig config =
        new OptionsLoader()
            .pair("vxconnect.admin.port=9090")
            .pair("vxconnect.admin.tls.certFile=/etc/vxconnect/admin-cert.pem")
            .pair("vxconnect.admin.tls.keyFile=/etc/vxconnect/admin-key.pem")
            .environment(Map.of("VXCONNECT_ADMIN_TOKEN", "adm1n-t0ken"))
            .load();
    assertThat(config.admin().token()).contains("adm1n-t0ken");
    assertThat(config.admin().tls()).isTrue();
    assertThat(config.admin().scheme()).isEqualTo("https");
    assertThat(config.admin().trustFile())
        .as("by default the instances trust their shared certificate")
        .contains(Path.of("/etc/vxconnect/admin-cert.pem"));
    assertThat(config.admin().toString()).doesNotContain("adm1n-t0ken");

    ServerConfig open = new OptionsLoader().pair("vxconnect.admin.port=9090").load();
    assertThat(open.admin().token()).isEmpty();
    assertThat(open.admin().scheme()).isEqualTo("http");

    assertThatThrownBy(
            () ->
                new OptionsLoader()
                    .pair("vxconnect.admin.port=9090")
                    .pair("vxconnect.admin.tls.certFile=/etc/vxconnect/admin-cert.pem")
                    .load())
        .hasMessageContaining("vxconnect.admin.tls.keyFile");
  }

  @Test
  void anAdvertisedAddressWithoutAPortIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                new OptionsLoader().pair("vxconnect.cluster.advertisedAddress=vxconnect-2").load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.cluster.advertisedAddress must be host:port");
    assertThatThrownBy(
            () ->
                new OptionsLoader()
                    .pair("vxconnect.cluster.advertisedAddress=vxconnect-2:http")
                    .load())
        .hasMessageContaining("got: vxconnect-2:http");
    assertThat(
            new OptionsLoader()
                .pair("vxconnect.cluster.advertisedAddress=fd00::7:15002")
                .pair("vxconnect.admin.port=9090")
                .pair("vxconnect.admin.address=0.0.0.0")
                .load()
                .cluster()
                .adminAddress())
        .as("an IPv6 literal without brackets")
        .contains("fd00::7:9090");
  }

  @Test
  void aClusterMemberNeedsTheSecretAndItsHazelcastNameComesFromIt() throws IOException {
    assertThatThrownBy(() -> new OptionsLoader().pair("vxconnect.cluster.enabled=true").load())
        .hasMessageContaining("VXCONNECT_CLUSTER_SECRET")
        .hasMessageContaining("vxconnect.cluster.secretFile");
    assertThatThrownBy(
            () ->
                new OptionsLoader().pair("vxconnect.state.jdbc.url=jdbc:postgresql://db/vx").load())
        .as("a state database makes the instance a member")
        .hasMessageContaining("VXCONNECT_CLUSTER_SECRET");
    assertThatThrownBy(
            () ->
                new OptionsLoader()
                    .environment(Map.of("VXCONNECT_CLUSTER_SECRET", "too-short"))
                    .load())
        .hasMessageContaining("vxconnect.cluster.secret")
        .hasMessageContaining("at least 16 characters")
        .message()
        .doesNotContain("too-short");

    ServerConfig fromEnv =
        new OptionsLoader()
            .pair("vxconnect.cluster.enabled=true")
            .pair("vxconnect.cluster.name=prod")
            .environment(Map.of("VXCONNECT_CLUSTER_SECRET", "the-secret-of-this-test"))
            .load();
    Path file =
        Files.writeString(temp.resolve("cluster-secret"), "the-secret-of-this-test\nignored\n");
    ServerConfig fromFile =
        new OptionsLoader()
            .pair("vxconnect.cluster.enabled=true")
            .pair("vxconnect.cluster.name=prod")
            .pair("vxconnect.cluster.secretFile=" + file)
            .load();
    ServerConfig otherSecret =
        new OptionsLoader()
            .pair("vxconnect.cluster.enabled=true")
            .pair("vxconnect.cluster.name=prod")
            .environment(Map.of("VXCONNECT_CLUSTER_SECRET", "another-secret-of-this-test"))
            .load();
    assertThat(fromEnv.clusterSecret()).isPresent();
    assertThat(fromEnv.cluster().name())
        .startsWith("prod-")
        .isEqualTo(fromFile.cluster().name())
        .isNotEqualTo(otherSecret.cluster().name());
    assertThat(new OptionsLoader().load().clusterSecret()).as("a single instance").isEmpty();
  }

  @Test
  void sizesAndDurationsAreReadAsSparkWritesThem() {
    ServerConfig config =
        new OptionsLoader()
            .pair("spark.connect.grpc.maxInboundMessageSize=64m")
            .pair("spark.connect.execute.reattachable.observerRetryBufferSize=1048576")
            .pair("vxconnect.execution.bufferAheadBytes=512k")
            .pair("vxconnect.results.windowBytes=1g")
            .pair("spark.connect.session.manager.defaultSessionTimeout=90000")
            .pair("spark.connect.session.manager.maintenanceInterval=2s")
            .pair("spark.connect.session.inactiveOperations.cacheExpiration=45")
            .pair("vxconnect.server.shutdownGracePeriod=1h")
            .load();

    assertThat(config.server().maxInboundMessageSize()).isEqualTo(64L << 20);
    assertThat(config.execution().retryBufferBytes())
        .as("a bare size is in bytes")
        .isEqualTo(1L << 20);
    assertThat(config.execution().bufferAheadBytes()).isEqualTo(512L << 10);
    assertThat(config.engine().resultWindowBytes()).isEqualTo(1L << 30);
    assertThat(config.sessions().idleTimeout())
        .as("a bare timeout is in ms")
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(config.sessions().maintenanceInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.execution().finishedOperationsMemory())
        .as("in minutes, as Spark's")
        .isEqualTo(Duration.ofMinutes(45));
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void unknownVxconnectKeyIsRejected() throws IOException {
    assertThatThrownBy(() -> new OptionsLoader().pair("vxconnect.execution.thread=4").load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.execution.thread");
    Path file = Files.writeString(temp.resolve("typo.conf"), "vxconnect.cluster.enable true\n");
    assertThatThrownBy(() -> new OptionsLoader().file(file).load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.cluster.enable");
  }

  @Test
  void securityKeysAreReadAndTheTokenIsNotGivenToSpark() {
    ServerConfig config =
        new OptionsLoader()
            .pair("spark.connect.authenticate.token=t0ken")
            .pair("vxconnect.auth.tokensFile=/etc/vxconnect/tokens")
            .pair("vxconnect.tls.certFile=/etc/vxconnect/cert.pem")
            .pair("vxconnect.tls.keyFile=/etc/vxconnect/key.pem")
            .pair("vxconnect.tls.allowInsecure=true")
            .load();

    assertThat(config.auth().token()).contains("t0ken");
    assertThat(config.auth().toString()).doesNotContain("t0ken");
    assertThat(config.auth().tokensFile()).contains(Path.of("/etc/vxconnect/tokens"));
    assertThat(config.tls().enabled()).isTrue();
    assertThat(config.tls().trustFile()).contains(Path.of("/etc/vxconnect/cert.pem"));
    assertThat(config.tls().allowInsecure()).isTrue();
    assertThat(config.engine().sparkConf()).doesNotContainKey("spark.connect.authenticate.token");
  }

  @Test
  void connectionLimitsAreRead() {
    ServerConfig config =
        new OptionsLoader()
            .pair("vxconnect.server.maxConcurrentStreams=50")
            .pair("vxconnect.server.maxConnections=2000")
            .pair("vxconnect.server.idleTimeout=10m")
            .load();
    assertThat(config.server().maxConcurrentStreams()).isEqualTo(50);
    assertThat(config.server().maxConnections()).isEqualTo(2000);
    assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(new OptionsLoader().load().server().idleTimeout()).isEqualTo(Duration.ZERO);
  }

  @Test
  void warmupIsOnUnlessTurnedOff() {
    assertThat(new OptionsLoader().load().server().warmup()).isTrue();
    assertThat(new OptionsLoader().pair("vxconnect.server.warmup=false").load().server().warmup())
        .isFalse();
  }

  @Test
  void tlsNeedsBothCertificateAndKey() {
    assertThatThrownBy(() -> new OptionsLoader().pair("vxconnect.tls.certFile=/c.pem").load())
        .hasMessageContaining("vxconnect.tls.keyFile");
    ServerConfig plain = new OptionsLoader().load();
    assertThat(plain.tls().enabled()).isFalse();
    assertThat(plain.tls().allowInsecure()).isFalse();
    assertThat(plain.auth().enabled()).isFalse();
  }

  @Test
  void otherSparkKeysGoToSpark() {
    ServerConfig config =
        new OptionsLoader()
            .pair("spark.master=local[2]")
            .pair("spark.sql.shuffle.partitions = 4")
            .pair("vxconnect.execution.threads=2")
            .load();

    assertThat(config.engine().sparkConf())
        .containsEntry("spark.master", "local[2]")
        .containsEntry("spark.sql.shuffle.partitions", "4")
        .doesNotContainKey("vxconnect.execution.threads");
  }

  @Test
  void environmentOnlyNamesKnownKeys() {
    ServerConfig config =
        new OptionsLoader()
            .environment(Map.of("SPARK_MASTER", "local[1]", "VXCONNECT_NOPE", "1", "PATH", "/bin"))
            .load();

    assertThat(config.engine().sparkConf()).isEmpty();
  }

  @Test
  void malformedInputIsRejectedWithTheKey() {
    assertThatThrownBy(() -> new OptionsLoader().pair("no-equals-sign"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OptionsLoader().pair("=value"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OptionsLoader().pair("vxconnect.execution.threads=many").load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vxconnect.execution.threads");
    assertThatThrownBy(
            () ->
                new OptionsLoader()
                    .pair("spark.connect.session.manager.defaultSessionTimeout=soon")
                    .load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultSessionTimeout");
    assertThatThrownBy(() -> new OptionsLoader().file(temp.resolve("missing.conf")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.conf");
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertThat(OptionsLoader.envName("spark.connect.grpc.binding.port"))
        .isEqualTo("SPARK_CONNECT_GRPC_BINDING_PORT");
    assertThat(OptionsLoader.envName("spark.connect.grpc.maxInboundMessageSize"))
        .isEqualTo("SPARK_CONNECT_GRPC_MAX_INBOUND_MESSAGE_SIZE");
    assertThat(OptionsLoader.envName("vxconnect.server.eventLoops"))
        .isEqualTo("VXCONNECT_SERVER_EVENT_LOOPS");
    assertThat(OptionsLoader.envName("vxconnect.artifacts.stagingDir"))
        .isEqualTo("VXCONNECT_ARTIFACTS_STAGING_DIR");
  }

  @Test
  void everyKnownKeyHasItsOwnEnvironmentName() {
    assertThat(ConfigKeys.ALL)
        .extracting(k -> OptionsLoader.envName(k.key()))
        .doesNotHaveDuplicates();
    assertThat(ConfigKeys.ALL).extracting(ConfigEntry::key).doesNotHaveDuplicates();
  }
}
