package dev.vxconnect.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerSideJar;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.testkit.PrometheusText;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.stub.MetadataUtils;

/**
 * Trust between instances, on one cluster of two with tokens bound to users and a user's gRPC
 * interceptor (TenantInterceptor: no x-tenant header, PERMISSION_DENIED). The official client's
 * calls through either instance are served by the session's owner: the other instance forwards
 * them sealed with the cluster secret, and the owner serves them without running the interceptor
 * again (the forwarded call carries no x-tenant: served only because its seal is trusted). A raw
 * gRPC client that sends the forwarded header itself, copied ("1", what instances sent before
 * seals) or forged (a seal of the right shape without the secret), to the instance that does not
 * own the session changes nothing: the call is still forwarded to the owner (which keeps the
 * session), the interceptor still runs, and a token of bob still cannot act as alice. A server
 * started with another secret, listing the same members, forms a cluster of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ForwardedCallTrustE2ETest {

  private static final String USER = "dev.vxconnect.userext.";
  private static final String FORWARDED = "vxconnect-forwarded";
  private static final String ALICE_TOKEN = "alice-" + UUID.randomUUID();
  private static final String BOB_TOKEN = "bob-" + UUID.randomUUID();
  private static final String QUERY = "select k, count(*) as n from numbers group by k order by k";

  private final String sessionId = UUID.randomUUID().toString();
  private ServerCluster cluster;
  private ServerProcess owner;
  private ServerProcess other;
  // Kept open for the class: closing a client session releases it.
  private SparkSession onOwner;
  private SparkSession onOther;

  @BeforeAll
  void startCluster() throws Exception {
    Path home = ServerProcess.home();
    Path dir =
        Files.createDirectories(ServerProcess.targetDirectory().resolve("forwarded-call-trust"));
    Path jar =
        ServerSideJar.build(
            home.resolve("e2e/src/test/user-extensions"), dir.resolve("user-extensions.jar"));
    Path tokens =
        Files.writeString(
            dir.resolve("tokens"), "alice " + ALICE_TOKEN + "\nbob " + BOB_TOKEN + "\n");
    cluster =
        ServerCluster.start(
            "trust",
            2,
            List.of(
                "vxconnect.auth.tokensFile=" + tokens,
                "spark.connect.grpc.interceptor.classes=" + USER + "TenantInterceptor"),
            Map.of("VXCONNECT_CLASSPATH", jar.toString()));
    owner = cluster.servers().get(0);
    other = cluster.servers().get(1);
  }

  @AfterAll
  void stopCluster() {
    for (SparkSession session : new SparkSession[] {onOwner, onOther}) {
      if (session != null) {
        Sessions.close(session);
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private String aliceUrl(ServerProcess server) {
    return server.url()
        + "/;session_id="
        + sessionId
        + ";user_id=alice;token="
        + ALICE_TOKEN
        + ";x-tenant=acme";
  }

  @Test
  @Order(1)
  void theOfficialClientIsServedByTheOwnerThroughEitherInstance() throws Exception {
    onOwner = Sessions.connect(aliceUrl(owner));
    onOwner.sql("create temp view numbers as select id, id % 3 as k from range(30)");
    Row[] direct = (Row[]) onOwner.sql(QUERY).collect();
    // Connected once the owner holds the session: the other instance only ever forwards.
    onOther = Sessions.connect(aliceUrl(other));
    // The temp view lives in the owner's Spark session: only the owner can answer this.
    Row[] forwarded = (Row[]) onOther.sql(QUERY).collect();
    assertThat(forwarded).containsExactly(direct);
    // A client stream too (AddArtifacts), forwarded sealed like the others.
    onOther.addArtifact(TestJars.of("trust-artifact", ForwardedCallTrustE2ETest.class).toString());
    assertThat(cluster.ownerOf(sessionId)).contains(owner);
    assertThat(logOf(other)).doesNotContain("Session " + sessionId + " of user");
  }

  @Test
  @Order(2)
  void aForwardedHeaderFromAClientChangesNeitherRoutingNorOwnership() throws Exception {
    AnalyzePlanResponse fromOwner;
    try (RawGrpc direct = new RawGrpc(owner.port())) {
      fromOwner = as(direct, ALICE_TOKEN, true, null).analyzePlan(schemaOf(QUERY));
    }
    try (RawGrpc raw = new RawGrpc(other.port())) {
      for (String header : List.of("1", forgedSeal())) {
        AnalyzePlanResponse answer =
            as(raw, ALICE_TOKEN, true, header).analyzePlan(schemaOf(QUERY));
        assertThat(answer.getSchema()).as("header %s", header).isEqualTo(fromOwner.getSchema());
        assertThat(answer.getServerSideSessionId())
            .as("the owner's session answered")
            .isEqualTo(fromOwner.getServerSideSessionId());
      }
    }
    // Taken as forwarded, the other instance would have taken the session over from its live
    // owner and rebuilt it; it forwarded the calls instead.
    assertThat(cluster.ownerOf(sessionId)).contains(owner);
    assertThat(logOf(other))
        .doesNotContain("Session " + sessionId + " of user")
        .contains("carries the " + FORWARDED + " header without a valid seal");
    String metrics = new AdminHttp(cluster.adminPort(1)).get("/metrics");
    assertThat(PrometheusText.sample(metrics, "vxconnect_forwarded_unsealed_total").orElse(0))
        .as("unsealed calls counted")
        .isGreaterThanOrEqualTo(2);
    // The official client goes on through either instance.
    assertThat(onOwner.sql("select count(*) from numbers").first().getLong(0)).isEqualTo(30L);
    assertThat(onOther.sql("select count(*) from numbers").first().getLong(0)).isEqualTo(30L);
  }

  @Test
  @Order(3)
  void aForwardedHeaderFromAClientNeitherSkipsInterceptorsNorChangesIdentity() throws Exception {
    try (RawGrpc raw = new RawGrpc(other.port())) {
      StatusRuntimeException untenanted =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> as(raw, ALICE_TOKEN, false, forgedSeal()).analyzePlan(schemaOf(QUERY)));
      assertThat(untenanted).as("a call without x-tenant").isNotNull();
      assertThat(untenanted.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(untenanted.getStatus().getDescription())
          .isEqualTo("TenantInterceptor: no x-tenant header");

      for (String header : List.of("1", forgedSeal())) {
        StatusRuntimeException bobAsAlice =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> as(raw, BOB_TOKEN, true, header).analyzePlan(schemaOf(QUERY)));
        assertThat(bobAsAlice).as("bob's token naming alice, header %s", header).isNotNull();
        assertThat(bobAsAlice.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(bobAsAlice.getStatus().getDescription())
            .contains("not allowed to act as user 'alice'");
      }
    }
  }

  @Test
  @Order(4)
  void aServerWithAnotherSecretDoesNotJoin() throws Exception {
    try (ServerProcess outsider =
        cluster.startOutsider(
            "trust-outsider",
            Map.of(ServerCluster.SECRET_VARIABLE, "another-secret-" + UUID.randomUUID()))) {
      JsonNode instances =
          new AdminHttp(cluster.adminPort(0)).json("/admin/sessions").get("instances");
      assertThat(instances).as("the cluster's instances: %s", instances).hasSize(2);
      // It did ask both (Hazelcast's answer: another cluster), and formed a cluster of one.
      assertThat(logOf(owner)).contains("members part of different cluster");
      assertThat(logOf(other)).contains("members part of different cluster");
      assertThat(outsider.logText())
          .contains("the target cluster has a different cluster-name")
          .containsPattern("Instance \\S+: HazelcastCluster\\{trust-\\S+, members=1\\}");
    }
  }

  /** A seal of the right shape, made without the cluster secret. */
  private String forgedSeal() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] nonce = new byte[16];
    byte[] mac = new byte[32];
    new SecureRandom().nextBytes(nonce);
    new SecureRandom().nextBytes(mac);
    return String.join(
        ".",
        "v1",
        Long.toString(System.currentTimeMillis()),
        b64.encodeToString(nonce),
        b64.encodeToString("alice".getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(sessionId.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(mac));
  }

  private AnalyzePlanRequest schemaOf(String query) {
    return AnalyzePlanRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(RawGrpc.user("alice"))
        .setSchema(
            AnalyzePlanRequest.Schema.newBuilder()
                .setPlan(
                    Plan.newBuilder()
                        .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query)))))
        .build();
  }

  /** A stub that sends {@code token}, x-tenant if asked, and the forwarded header if given. */
  private static SparkConnectServiceGrpc.SparkConnectServiceBlockingStub as(
      RawGrpc raw, String token, boolean tenant, String forwarded) {
    Metadata headers = new Metadata();
    headers.put(key("authorization"), "Bearer " + token);
    if (tenant) {
      headers.put(key("x-tenant"), "acme");
    }
    if (forwarded != null) {
      headers.put(key(FORWARDED), forwarded);
    }
    return raw.stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private static String logOf(ServerProcess server) {
    try {
      return server.logText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
