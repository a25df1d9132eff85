package dev.vxconnect.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.RateStreams;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.Sneaky;
import dev.vxconnect.testkit.ServerProcess;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.apache.spark.connect.proto.AddArtifactsResponse;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ArtifactStatusesRequest;
import org.apache.spark.connect.proto.CloneSessionRequest;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.FetchErrorDetailsRequest;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.InterruptResponse;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseExecuteResponse;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc.SparkConnectServiceBlockingStub;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Context;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.stub.MetadataUtils;

/**
 * The server as it ships for exposure: TLS with a certificate made at test time, tokens bound to
 * users (alice, bob) and JWTs of a test identity provider (carol), and the official client
 * connecting with {@code use_ssl=true;token=...}; and
 * a server without TLS whose clients on other hosts are refused, with Spark's pre-shared token.
 */
@Timeout(300)
class SecurityE2ETest {

  private static final String ALICE_TOKEN = "alice-" + UUID.randomUUID();
  private static final String BOB_TOKEN = "bob-" + UUID.randomUUID();
  private static final String SHARED_TOKEN = "shared-" + UUID.randomUUID();
  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 60000L) as slept from range(1)";

  /** The plain server's artifact bytes per session. */
  private static final int ARTIFACT_QUOTA = 1024 * 1024;

  private static TestCertificate certificate;
  private static TestJwt identityProvider;
  private static ServerProcess tlsServer;
  private static ServerProcess plainServer;
  private static ManagedChannel tls;
  private static final Map<String, String> savedProperties = new LinkedHashMap<>();

  @BeforeAll
  static void startServers() throws Exception {
    Path dir = ServerProcess.targetDirectory().resolve("security");
    certificate = TestCertificate.create(dir);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# test users\nalice " + ALICE_TOKEN + "\nbob " + BOB_TOKEN + "\n");
    identityProvider = TestJwt.create();
    Path jwtKey = identityProvider.writePublicKey(dir.resolve("idp-public.pem"));
    tlsServer =
        ServerProcess.start(
            "security-tls",
            List.of(
                "vxconnect.tls.certFile=" + certificate.certFile,
                "vxconnect.tls.keyFile=" + certificate.keyFile,
                "vxconnect.auth.tokensFile=" + tokens,
                "vxconnect.auth.jwt.keysFile=" + jwtKey,
                "vxconnect.auth.jwt.issuer=" + TestJwt.ISSUER,
                "vxconnect.auth.jwt.audience=" + TestJwt.AUDIENCE));
    Path allowed = Files.createDirectories(dir.resolve("allowed-data"));
    plainServer =
        ServerProcess.start(
            "security-plain",
            List.of(
                "spark.connect.grpc.binding.address=0.0.0.0",
                "vxconnect.artifacts.maxBytesPerSession=" + ARTIFACT_QUOTA,
                "vxconnect.sources.allowedLocalPaths=" + allowed),
            Map.of("SPARK_CONNECT_AUTHENTICATE_TOKEN", SHARED_TOKEN));
    tls = SecureChannels.tls(tlsServer.port(), certificate.certFile);
    savedProperties.putAll(SecureChannels.trustForOfficialClient(certificate.trustStore));
  }

  @AfterAll
  static void stopServers() throws Exception {
    SecureChannels.restoreTrust(savedProperties);
    if (tls != null) {
      SecureChannels.close(tls);
    }
    if (tlsServer != null) {
      tlsServer.close();
    }
    if (plainServer != null) {
      plainServer.close();
    }
  }

  private static SparkConnectServiceBlockingStub as(String token) {
    return SecureChannels.stub(tls, "Authorization", token);
  }

  private static ConfigRequest getAll(String user, String session) {
    return RawGrpc.configGetAll(session, user);
  }

  @Test
  void officialClientOverTlsWithATokenRunsQueriesAndTempViews() throws Exception {
    SparkSession spark =
        org.apache.spark.sql.connect.SparkSession.builder()
            .remote(
                "sc://localhost:"
                    + tlsServer.port()
                    + "/;use_ssl=true;token="
                    + ALICE_TOKEN
                    + ";user_id=alice")
            .create();
    try {
      assertThat(((Row[]) spark.sql("select 40 + 2 as answer").collect())[0].getInt(0))
          .isEqualTo(42);
      spark.range(5).createOrReplaceTempView("secured");
      assertThat(((Row[]) spark.sql("select count(*) from secured").collect())[0].getLong(0))
          .isEqualTo(5);
    } finally {
      spark.close();
    }
  }

  @Test
  void officialClientWithAWrongTokenOrAnotherUserIsRefused() {
    String tls = "sc://localhost:" + tlsServer.port() + "/;use_ssl=true;token=";
    assertThat(firstQueryFailure(tls + "not-a-token;user_id=alice")).contains("UNAUTHENTICATED");
    assertThat(firstQueryFailure(tls + BOB_TOKEN + ";user_id=alice")).contains("PERMISSION_DENIED");
  }

  @Test
  void officialClientWithAJwtActsAsItsUserOnly() throws Exception {
    String url = "sc://localhost:" + tlsServer.port() + "/;use_ssl=true;token=";
    SparkSession carol =
        org.apache.spark.sql.connect.SparkSession.builder()
            .remote(url + identityProvider.token("carol", 300) + ";user_id=carol")
            .create();
    try {
      assertThat(((Row[]) carol.sql("select 6 * 7 as answer").collect())[0].getInt(0))
          .isEqualTo(42);
    } finally {
      carol.close();
    }
    assertThat(firstQueryFailure(url + identityProvider.token("carol", 300) + ";user_id=alice"))
        .as("carol's JWT naming alice")
        .contains("PERMISSION_DENIED");
    assertThat(firstQueryFailure(url + identityProvider.token("carol", -300) + ";user_id=carol"))
        .as("an expired JWT")
        .contains("UNAUTHENTICATED");
    assertThat(firstQueryFailure(url + TestJwt.create().token("carol", 300) + ";user_id=carol"))
        .as("a JWT signed by another key")
        .contains("UNAUTHENTICATED");
  }

  /** What the official client connected to {@code url} fails with on its first query (with its causes). */
  private static String firstQueryFailure(String url) {
    SparkSession spark = org.apache.spark.sql.connect.SparkSession.builder().remote(url).create();
    try {
      return RawGrpc.fullText(catchThrowable(() -> spark.sql("select 1").collect()));
    } finally {
      catchThrowable(spark::close);
    }
  }

  @Test
  void aSessionsArtifactsAreBoundedByItsQuota() throws Exception {
    Path dir = ServerProcess.targetDirectory().resolve("security");
    Path first = randomJar(dir.resolve("quota-first.jar"), ARTIFACT_QUOTA * 6 / 10);
    Path second = randomJar(dir.resolve("quota-second.jar"), ARTIFACT_QUOTA * 6 / 10);
    String url = "sc://localhost:" + plainServer.port() + "/;token=" + SHARED_TOKEN;
    SparkSession spark = org.apache.spark.sql.connect.SparkSession.builder().remote(url).create();
    try {
      spark.addArtifact(first.toString());
      String refused = RawGrpc.fullText(catchThrowable(() -> spark.addArtifact(second.toString())));
      assertThat(refused)
          .contains("RESOURCE_EXHAUSTED")
          .contains("vxconnect.artifacts.maxBytesPerSession = " + ARTIFACT_QUOTA);
      assertThat(((Row[]) spark.sql("select 'still served' as s").collect())[0].getString(0))
          .isEqualTo("still served");
    } finally {
      spark.close();
    }
    SparkSession other = org.apache.spark.sql.connect.SparkSession.builder().remote(url).create();
    try {
      other.addArtifact(second.toString()); // another session has its own quota
    } finally {
      other.close();
    }
  }

  /** A valid jar of about {@code bytes} bytes: one stored (uncompressed) entry of random bytes. */
  private static Path randomJar(Path file, int bytes) throws Exception {
    Files.createDirectories(file.getParent());
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    CRC32 crc = new CRC32();
    crc.update(data);
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file))) {
      JarEntry entry = new JarEntry("blob.bin");
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(data.length);
      entry.setCrc(crc.getValue());
      jar.putNextEntry(entry);
      jar.write(data);
      jar.closeEntry();
    }
    return file;
  }

  @Test
  void fileSourcesUseOnlyTheAllowedLocalDirectories() throws Exception {
    Path dir = ServerProcess.targetDirectory().resolve("security");
    Path allowed = dir.resolve("allowed-data");
    Path outside = dir.resolve("outside-data");
    if (Files.exists(outside)) {
      // What an earlier run (or a server without the check) left there would hide a write.
      try (Stream<Path> old = Files.walk(outside)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secret.txt"), "not for sessions\n");
    Path escape = allowed.resolve("escape");
    Files.deleteIfExists(escape);
    Files.createSymbolicLink(escape, outside);
    String table = "numbers_" + UUID.randomUUID().toString().replace("-", "");
    SparkSession spark =
        org.apache.spark.sql.connect.SparkSession.builder()
            .remote("sc://localhost:" + plainServer.port() + "/;token=" + SHARED_TOKEN)
            .create();
    try {
      String inside = allowed.resolve("numbers-" + UUID.randomUUID()).toString();
      spark.range(10).write().parquet(inside);
      assertThat(spark.read().parquet(inside).count()).isEqualTo(10);
      assertThat(
              ((Row[]) spark.sql("select count(*) from parquet.`" + inside + "`").collect())
                  [0].getLong(0))
          .isEqualTo(10);
      spark.range(3).write().saveAsTable(table); // the warehouse
      assertThat(spark.table(table).count()).isEqualTo(3);

      List<Runnable> refused =
          List.of(
              () -> spark.read().text(outside.resolve("secret.txt").toString()).collect(),
              () ->
                  spark.sql("select * from text.`" + outside.resolve("secret.txt") + "`").collect(),
              () -> spark.read().text(escape.resolve("secret.txt").toString()).collect(),
              () ->
                  spark
                      .read()
                      .text(allowed.resolve("../outside-data/secret.txt").toString())
                      .collect(),
              () ->
                  spark
                      .range(1)
                      .write()
                      .mode("overwrite")
                      .parquet(outside.resolve("written").toString()),
              () ->
                  spark
                      .sql(
                          "create table t_"
                              + UUID.randomUUID().toString().replace("-", "")
                              + " (id long) using parquet location '"
                              + outside.resolve("table")
                              + "'")
                      .collect(),
              () ->
                  Sneaky.run(
                      () ->
                          spark
                              .readStream()
                              .format("text")
                              .load(outside.toString())
                              .writeStream()
                              .format("memory")
                              .queryName("q_" + UUID.randomUUID().toString().replace("-", ""))
                              .start()),
              // Streaming sinks: the path, the checkpoint, the session's default checkpoint root.
              () ->
                  Sneaky.run(
                      () ->
                          RateStreams.rate(spark)
                              .format("parquet")
                              .option(
                                  "checkpointLocation",
                                  allowed.resolve("checkpoint-" + UUID.randomUUID()).toString())
                              .start(outside.resolve("stream-sink").toString())),
              () ->
                  Sneaky.run(
                      () ->
                          RateStreams.rate(spark)
                              .format("memory")
                              .queryName("q_" + UUID.randomUUID().toString().replace("-", ""))
                              .option(
                                  "CHECKPOINTLOCATION",
                                  outside.resolve("stream-checkpoint").toString())
                              .start()),
              () ->
                  Sneaky.run(
                      () -> {
                        spark
                            .conf()
                            .set(
                                "spark.sql.streaming.checkpointLocation",
                                outside.resolve("checkpoints").toString());
                        try {
                          RateStreams.rate(spark)
                              .format("parquet")
                              .start(allowed.resolve("stream-" + UUID.randomUUID()).toString());
                        } finally {
                          spark.conf().unset("spark.sql.streaming.checkpointLocation");
                        }
                      }));
      for (int i = 0; i < refused.size(); i++) {
        assertThat(RawGrpc.fullText(catchThrowable(refused.get(i)::run)))
            .as("refused case %d", i)
            .contains("VXCONNECT_LOCAL_PATH_NOT_ALLOWED");
      }
      assertThat(outside.resolve("written")).doesNotExist();
      assertThat(outside.resolve("stream-sink")).doesNotExist();
      assertThat(outside.resolve("stream-checkpoint")).doesNotExist();
      assertThat(outside.resolve("checkpoints")).doesNotExist();
      StreamingQuery allowedStream =
          RateStreams.rate(spark)
              .format("parquet")
              .option(
                  "checkpointLocation",
                  allowed.resolve("checkpoint-" + UUID.randomUUID()).toString())
              .start(allowed.resolve("stream-" + UUID.randomUUID()).toString());
      assertThat(allowedStream.isActive())
          .as("a file sink and checkpoint in an allowed directory")
          .isTrue();
      allowedStream.stop();
      assertThat(((Row[]) spark.sql("select 'still served' as s").collect())[0].getString(0))
          .isEqualTo("still served");
    } finally {
      catchThrowable(() -> spark.sql("drop table if exists " + table).collect());
      spark.close();
    }
  }

  @Test
  void tokensAreCheckedInEitherHeader() {
    String session = RawGrpc.newSessionId();
    assertThat(RawGrpc.refusal(() -> as(null).config(getAll("alice", session))).getStatus())
        .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
        .satisfies(
            s -> assertThat(s.getDescription()).isEqualTo("No authentication token provided"));
    assertThat(RawGrpc.refusal(() -> as("wrong").config(getAll("alice", session))).getStatus())
        .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
        .satisfies(s -> assertThat(s.getDescription()).isEqualTo("Invalid authentication token"));
    assertThat(as(ALICE_TOKEN).config(getAll("alice", session)).getSessionId()).isEqualTo(session);
    // What the JVM client sends over TLS.
    assertThat(
            SecureChannels.stub(tls, "Authentication", ALICE_TOKEN)
                .config(getAll("alice", session))
                .getSessionId())
        .isEqualTo(session);
  }

  @Test
  void plaintextIsNotServedOnTheTlsPort() throws Exception {
    ManagedChannel plain = SecureChannels.plain("127.0.0.1", tlsServer.port());
    try {
      StatusRuntimeException refused =
          RawGrpc.refusal(
              () ->
                  SecureChannels.stub(plain, "Authorization", ALICE_TOKEN)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .config(getAll("alice", RawGrpc.newSessionId())));
      assertThat(refused.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
    } finally {
      SecureChannels.close(plain);
    }
  }

  @Test
  void aTokenActsOnlyAsItsUserOnEveryRpc() {
    String session = RawGrpc.newSessionId();
    UserContext alice = RawGrpc.user("alice");
    SparkConnectServiceBlockingStub bob = as(BOB_TOKEN);
    Plan plan =
        Plan.newBuilder()
            .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery("select 1")))
            .build();
    String op = UUID.randomUUID().toString();
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("Config", () -> bob.config(getAll("alice", session)));
    calls.put(
        "ExecutePlan",
        () ->
            bob.executePlan(
                    ExecutePlanRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(alice)
                        .setPlan(plan)
                        .build())
                .forEachRemaining(r -> {}));
    calls.put(
        "AnalyzePlan",
        () ->
            bob.analyzePlan(
                AnalyzePlanRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .setSparkVersion(AnalyzePlanRequest.SparkVersion.newBuilder())
                    .build()));
    calls.put(
        "ArtifactStatus",
        () ->
            bob.artifactStatus(
                ArtifactStatusesRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .addNames("cache/abc")
                    .build()));
    calls.put(
        "Interrupt",
        () ->
            bob.interrupt(
                InterruptRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_ALL)
                    .build()));
    calls.put(
        "ReattachExecute",
        () ->
            bob.reattachExecute(RawGrpc.reattach(session, alice, op).build())
                .forEachRemaining(r -> {}));
    calls.put("ReleaseExecute", () -> bob.releaseExecute(RawGrpc.releaseAll(session, alice, op)));
    calls.put(
        "ReleaseSession",
        () ->
            bob.releaseSession(
                ReleaseSessionRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .build()));
    calls.put(
        "FetchErrorDetails",
        () ->
            bob.fetchErrorDetails(
                FetchErrorDetailsRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .setErrorId(UUID.randomUUID().toString())
                    .build()));
    calls.put(
        "CloneSession",
        () ->
            bob.cloneSession(
                CloneSessionRequest.newBuilder()
                    .setSessionId(session)
                    .setUserContext(alice)
                    .build()));
    calls.forEach(
        (rpc, call) ->
            assertThat(RawGrpc.refusal(call).getStatus().getCode())
                .as(rpc + " by bob as alice")
                .isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void anotherUserCannotInterruptReattachToOrReleaseAnOperation() throws Exception {
    String session = RawGrpc.newSessionId();
    String op = UUID.randomUUID().toString();
    ExecutePlanRequest slow =
        RawGrpc.execute(session, RawGrpc.user("alice"), RawGrpc.sqlQuery(SLOW))
            .setOperationId(op)
            .addRequestOptions(RawGrpc.reattachable(true))
            .build();
    Context.CancellableContext aliceCall = Context.current().withCancellation();
    try {
      Iterator<ExecutePlanResponse> stream =
          aliceCall.call(() -> as(ALICE_TOKEN).executePlan(slow));
      assertThat(aliceCall.call(stream::next).getOperationId()).isEqualTo(op);

      // Bob, as himself, names alice's session and operation: they are not his.
      SparkConnectServiceBlockingStub bob = as(BOB_TOKEN);
      UserContext bobUser = RawGrpc.user("bob");
      InterruptResponse byId =
          bob.interrupt(
              InterruptRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(bobUser)
                  .setOperationId(op)
                  .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_OPERATION_ID)
                  .build());
      assertThat(byId.getInterruptedIdsList()).isEmpty();
      InterruptResponse all =
          bob.interrupt(
              InterruptRequest.newBuilder()
                  .setSessionId(session)
                  .setUserContext(bobUser)
                  .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_ALL)
                  .build());
      assertThat(all.getInterruptedIdsList()).isEmpty();
      Optional<String> reattach =
          RawGrpc.errorClass(
              RawGrpc.refusal(
                  () ->
                      bob.reattachExecute(RawGrpc.reattach(session, bobUser, op).build())
                          .hasNext()));
      assertThat(reattach).hasValueSatisfying(c -> assertThat(c).startsWith("INVALID_HANDLE."));
      ReleaseExecuteResponse released =
          bob.releaseExecute(RawGrpc.releaseAll(session, bobUser, op));
      assertThat(released.hasOperationId()).as("bob's release found no operation").isFalse();
      bob.releaseSession(
          ReleaseSessionRequest.newBuilder().setSessionId(session).setUserContext(bobUser).build());

      // Alice's operation is still running: she interrupts it herself.
      InterruptResponse mine =
          as(ALICE_TOKEN)
              .interrupt(
                  InterruptRequest.newBuilder()
                      .setSessionId(session)
                      .setUserContext(RawGrpc.user("alice"))
                      .setOperationId(op)
                      .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_OPERATION_ID)
                      .build());
      assertThat(mine.getInterruptedIdsList()).containsExactly(op);
    } finally {
      aliceCall.cancel(null);
    }
  }

  @Test
  void aSessionCannotAllowItselfToWriteTheServersFiles() throws Exception {
    String session = RawGrpc.newSessionId();
    UserContext alice = RawGrpc.user("alice");
    // Spark lets a session allow copyFromLocalToFs to the driver's local disk with a conf of its
    // own.
    as(ALICE_TOKEN)
        .config(
            ConfigRequest.newBuilder()
                .setUserContext(alice)
                .setSessionId(session)
                .setOperation(
                    ConfigRequest.Operation.newBuilder()
                        .setSet(
                            ConfigRequest.Set.newBuilder()
                                .addPairs(
                                    KeyValue.newBuilder()
                                        .setKey(
                                            "spark.sql.artifact.copyFromLocalToFs.allowDestLocal")
                                        .setValue("true"))))
                .build());
    Path target =
        ServerProcess.targetDirectory()
            .resolve("security/written-by-a-client-" + UUID.randomUUID());
    byte[] data = "not yours".getBytes(StandardCharsets.UTF_8);
    CompletableFuture<AddArtifactsResponse> answer =
        RawGrpc.upload(
            SparkConnectServiceGrpc.newStub(tls)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(ALICE_TOKEN))),
            RawGrpc.addArtifact(session, alice, "forward_to_fs" + target, data));
    Throwable refused = catchThrowable(() -> answer.get(60, TimeUnit.SECONDS));
    assertThat(RawGrpc.fullText(refused)).contains("vxconnect.artifacts.allowCopyToLocalFs");
    assertThat(target).doesNotExist();
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("Authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return headers;
  }

  @Test
  void withoutTlsOnlyLoopbackIsServedAndThePreSharedTokenIsChecked() throws Exception {
    String session = RawGrpc.newSessionId();
    ManagedChannel loopback = SecureChannels.plain("127.0.0.1", plainServer.port());
    try {
      assertThat(
              RawGrpc.refusal(
                      () ->
                          SecureChannels.stub(loopback, "Authorization", null)
                              .config(getAll("carol", session)))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(
              RawGrpc.refusal(
                      () ->
                          SecureChannels.stub(loopback, "Authorization", "wrong")
                              .config(getAll("carol", session)))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      // Spark's pre-shared token: its holder may name any user.
      SparkConnectServiceBlockingStub shared =
          SecureChannels.stub(loopback, "Authorization", SHARED_TOKEN);
      assertThat(shared.config(getAll("carol", session)).getSessionId()).isEqualTo(session);
      assertThat(shared.config(getAll("dave", session)).getSessionId()).isEqualTo(session);
    } finally {
      SecureChannels.close(loopback);
    }
    // The official client on localhost sends the token without TLS.
    SparkSession spark =
        org.apache.spark.sql.connect.SparkSession.builder()
            .remote("sc://localhost:" + plainServer.port() + "/;token=" + SHARED_TOKEN)
            .create();
    try {
      assertThat(((Row[]) spark.sql("select 'local' as via").collect())[0].getString(0))
          .isEqualTo("local");
    } finally {
      spark.close();
    }

    Optional<InetAddress> external = HostAddresses.nonLoopbackIpv4();
    Assumptions.assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address");
    ManagedChannel remote =
        SecureChannels.plain(external.get().getHostAddress(), plainServer.port());
    try {
      Status refused =
          RawGrpc.refusal(
                  () ->
                      SecureChannels.stub(remote, "Authorization", SHARED_TOKEN)
                          .config(getAll("carol", session)))
              .getStatus();
      assertThat(refused.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(refused.getDescription()).contains("without TLS");
    } finally {
      SecureChannels.close(remote);
    }
  }
}
