package dev.vxconnect.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxconnect.e2e.security.TestCertificateAuthority.ClientCertificate;
import dev.vxconnect.e2e.support.AdminHttp;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc.SparkConnectServiceBlockingStub;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.client.RetryPolicy;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import scala.jdk.javaapi.CollectionConverters;

/**
 * mTLS on the gRPC port: one server requiring client certificates of a CA
 * ({@code vxconnect.tls.clientCaFile}) whose subject CN is the user ({@code
 * vxconnect.auth.mtls.userFrom=cn}), with tokens bound to users as well, so a call needs both. The
 * certificates are made at test time with the JDK's keytool: the CA, client certificates of alice
 * and bob issued by it, a self-signed one naming alice (untrusted), and the server's own.
 *
 * <p>Clients. The official JVM client cannot present a client certificate: its connection string
 * has no setting for one and it builds its TLS credentials without key material ({@code
 * TlsChannelCredentials.create()}). So it is used as it ships where no certificate is presented
 * (refused at the handshake), and otherwise as the official client's {@code SparkSession} and
 * {@code SparkConnectClient} on a channel built here with grpc-java's {@code
 * TlsChannelCredentials} and a key manager (the grpc-netty relocated in the client jar, which also
 * makes the raw calls, through {@link SecureChannels}).
 */
@Timeout(120)
class MutualTlsE2ETest {

  private static final String ALICE_TOKEN = "alice-" + UUID.randomUUID();
  private static final String BOB_TOKEN = "bob-" + UUID.randomUUID();

  @TempDir static Path dir;

  private static TestCertificate serverCertificate;
  private static ClientCertificate alice;
  private static ClientCertificate bob;
  private static ClientCertificate untrusted;
  private static int adminPort;
  private static ServerProcess server;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    ExecutorService keytool = Executors.newFixedThreadPool(2);
    try {
      // The server needs its own certificate and the CA's; the clients' are made while it starts.
      Future<TestCertificate> serverCert =
          keytool.submit(() -> TestCertificate.create(dir.resolve("server")));
      TestCertificateAuthority ca = TestCertificateAuthority.create(dir.resolve("ca"));
      Future<ClientCertificate> aliceCert =
          keytool.submit(
              () -> ca.issue("alice", "CN=alice, O=vxconnect tests", "email:alice@example.com"));
      Future<ClientCertificate> bobCert =
          keytool.submit(() -> ca.issue("bob", "CN=bob, O=vxconnect tests", null));
      Future<ClientCertificate> selfSigned =
          keytool.submit(
              () ->
                  TestCertificateAuthority.selfSigned(
                      dir.resolve("untrusted"), "mallory", "CN=alice, O=vxconnect tests"));
      serverCertificate = serverCert.get();
      Path tokens = dir.resolve("tokens");
      Files.writeString(tokens, "alice " + ALICE_TOKEN + "\nbob " + BOB_TOKEN + "\n");
      adminPort = FreePort.find();
      server =
          ServerProcess.start(
              "security-mtls",
              List.of(
                  "vxconnect.tls.certFile=" + serverCertificate.certFile,
                  "vxconnect.tls.keyFile=" + serverCertificate.keyFile,
                  "vxconnect.tls.clientCaFile=" + ca.certFile,
                  "vxconnect.auth.mtls.userFrom=cn",
                  "vxconnect.auth.tokensFile=" + tokens,
                  "vxconnect.admin.port=" + adminPort));
      alice = aliceCert.get();
      bob = bobCert.get();
      untrusted = selfSigned.get();
    } finally {
      keytool.shutdownNow();
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    for (ManagedChannel channel : channels) {
      SecureChannels.close(channel);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theOfficialClientWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
    Map<String, String> saved = SecureChannels.trustForOfficialClient(serverCertificate.trustStore);
    try {
      // No retries: the client would retry UNAVAILABLE for minutes.
      SparkConnectClient client =
          SparkConnectClient.builder()
              .connectionString(
                  "sc://localhost:"
                      + server.port()
                      + "/;use_ssl=true;token="
                      + ALICE_TOKEN
                      + ";user_id=alice")
              .retryPolicy(CollectionConverters.asScala(new ArrayList<RetryPolicy>()).toList())
              .build();
      SparkSession spark =
          org.apache.spark.sql.connect.SparkSession.builder().client(client).create();
      try {
        String failure = RawGrpc.fullText(catchThrowable(() -> spark.sql("select 1").collect()));
        assertThat(failure)
            .contains("UNAVAILABLE")
            .contains("Received fatal alert: bad_certificate");
      } finally {
        catchThrowable(spark::close);
      }
    } finally {
      SecureChannels.restoreTrust(saved);
    }
    // The same without the official client: TLS trusting the server, no key material.
    ManagedChannel noCertificate = channel(SecureChannels.tls(server.port(), serverCert()));
    StatusRuntimeException refused =
        RawGrpc.refusal(
            () ->
                SecureChannels.stub(noCertificate, "Authorization", ALICE_TOKEN)
                    .config(getAll("alice")));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(RawGrpc.fullText(refused))
        .contains("SSLHandshakeException")
        .contains("Received fatal alert: bad_certificate");
  }

  @Test
  void aCertificateOfAnotherIssuerIsRefusedAtTheHandshake() {
    // It names alice and comes with her token: still not let in.
    StatusRuntimeException refused =
        RawGrpc.refusal(() -> stub(untrusted, ALICE_TOKEN).config(getAll("alice")));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(RawGrpc.fullText(refused))
        .contains("SSLHandshakeException")
        .contains("Received fatal alert: bad_certificate");
  }

  @Test
  void aCertificateOfTheCaActsAsTheUserItNames() throws Exception {
    SparkSession spark = officialClient(alice, ALICE_TOKEN, "alice");
    try {
      assertThat(((Row[]) spark.sql("select 40 + 2 as answer").collect())[0].getInt(0))
          .isEqualTo(42);
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) spark).sessionId();
      assertThat(listedUser(sessionId)).isEqualTo("alice");
    } finally {
      spark.close();
    }
    String bobsSession = RawGrpc.newSessionId();
    assertThat(stub(bob, BOB_TOKEN).config(getAll("bob", bobsSession)).getPairsCount())
        .isPositive();
    assertThat(listedUser(bobsSession)).isEqualTo("bob");
  }

  @Test
  void aUserIdOtherThanTheCertificatesIsPermissionDenied() {
    SparkSession spark = officialClient(alice, ALICE_TOKEN, "bob");
    try {
      assertThat(RawGrpc.fullText(catchThrowable(() -> spark.sql("select 1").collect())))
          .contains("PERMISSION_DENIED")
          .contains(
              "not allowed to act as user 'bob': user_context.user_id must be 'alice', the user its"
                  + " client certificate names (subject CN)");
    } finally {
      catchThrowable(spark::close);
    }
    // Bob's token on alice's certificate acts as nobody, on every kind of call.
    SparkConnectServiceBlockingStub mixed = stub(alice, BOB_TOKEN);
    for (String user : List.of("bob", "alice")) {
      String session = RawGrpc.newSessionId();
      Map<String, Runnable> calls = new LinkedHashMap<>();
      calls.put("Config", () -> mixed.config(getAll(user, session)));
      calls.put("AnalyzePlan", () -> mixed.analyzePlan(schemaOf(user, session)));
      calls.put(
          "ReleaseSession",
          () ->
              mixed.releaseSession(
                  ReleaseSessionRequest.newBuilder()
                      .setUserContext(RawGrpc.user(user))
                      .setSessionId(session)
                      .build()));
      calls.forEach(
          (rpc, call) -> {
            StatusRuntimeException refused = RawGrpc.refusal(call::run);
            assertThat(refused.getStatus().getCode())
                .as(rpc + " as " + user)
                .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(refused.getStatus().getDescription())
                .as(rpc + " as " + user)
                .endsWith(
                    user.equals("bob")
                        ? "must be 'alice', the user its client certificate names (subject CN)"
                        : "must be 'bob', the user its token is bound to");
          });
    }
    // The certificate does not replace the token.
    StatusRuntimeException noToken =
        RawGrpc.refusal(() -> stub(alice, null).config(getAll("alice")));
    assertThat(noToken.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  /** The official client's session and client, on a channel presenting {@code certificate}. */
  private static SparkSession officialClient(
      ClientCertificate certificate, String token, String userId) {
    SparkConnectClient.Configuration configuration =
        SparkConnectClient.builder()
            .connectionString("sc://localhost:" + server.port() + "/;user_id=" + userId)
            .configuration();
    ManagedChannel channel =
        SecureChannels.mutualTls(server.port(), serverCert(), certificate, token);
    return org.apache.spark.sql.connect.SparkSession.builder()
        .client(new SparkConnectClient(configuration, channel))
        .create();
  }

  private static SparkConnectServiceBlockingStub stub(ClientCertificate certificate, String token) {
    return SparkConnectServiceGrpc.newBlockingStub(
            channel(SecureChannels.mutualTls(server.port(), serverCert(), certificate, token)))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static ManagedChannel channel(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  private static Path serverCert() {
    return serverCertificate.certFile;
  }

  /** The user the admin API lists for {@code sessionId}. */
  private static String listedUser(String sessionId) throws Exception {
    for (JsonNode session : new AdminHttp(adminPort).json("/admin/sessions").get("sessions")) {
      if (session.get("sessionId").asText().equals(sessionId)) {
        return session.get("userId").asText();
      }
    }
    throw new AssertionError("session " + sessionId + " is not listed");
  }

  private static ConfigRequest getAll(String user) {
    return getAll(user, RawGrpc.newSessionId());
  }

  private static ConfigRequest getAll(String user, String session) {
    return RawGrpc.configGetAll(session, user);
  }

  private static AnalyzePlanRequest schemaOf(String user, String session) {
    return AnalyzePlanRequest.newBuilder()
        .setUserContext(RawGrpc.user(user))
        .setSessionId(session)
        .setSchema(
            AnalyzePlanRequest.Schema.newBuilder()
                .setPlan(
                    Plan.newBuilder()
                        .setRoot(
                            Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1")))))
        .build();
  }
}
