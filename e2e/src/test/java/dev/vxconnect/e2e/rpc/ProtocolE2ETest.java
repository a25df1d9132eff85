package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.e2e.support.LargeStack;
import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.e2e.support.ServerTestBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.connect.proto.AddArtifactsResponse;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ArtifactStatusesRequest;
import org.apache.spark.connect.proto.CloneSessionRequest;
import org.apache.spark.connect.proto.CloneSessionResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.FetchErrorDetailsRequest;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.Limit;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.stub.StreamObserver;

/**
 * The protocol as Spark's server answers it, RPC by RPC, including the error classes a client can
 * only provoke by sending ids of its own choosing.
 */
class ProtocolE2ETest extends ServerTestBase {

  private final UserContext user = RawGrpc.user("alice");
  private RawGrpc grpc;
  private SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    grpc = new RawGrpc(server().port());
    stub = grpc.stub();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    grpc.close();
  }

  private ConfigResponse getOption(String sessionId, String key) {
    return stub.config(
        ConfigRequest.newBuilder()
            .setSessionId(sessionId)
            .setUserContext(user)
            .setOperation(
                ConfigRequest.Operation.newBuilder()
                    .setGetOption(ConfigRequest.GetOption.newBuilder().addKeys(key)))
            .build());
  }

  private static Plan sql(String query) {
    return RawGrpc.sqlQuery(query);
  }

  private List<ExecutePlanResponse> execute(
      String sessionId, String operationId, Plan plan, boolean reattachable) {
    ExecutePlanRequest.Builder request =
        ExecutePlanRequest.newBuilder().setSessionId(sessionId).setUserContext(user).setPlan(plan);
    if (operationId != null) {
      request.setOperationId(operationId);
    }
    if (reattachable) {
      request.addRequestOptions(RawGrpc.reattachable(true));
    }
    List<ExecutePlanResponse> responses = new ArrayList<>();
    stub.executePlan(request.build()).forEachRemaining(responses::add);
    return responses;
  }

  private static List<ExecutePlanResponse> withoutProgress(List<ExecutePlanResponse> responses) {
    return responses.stream().filter(r -> !r.hasExecutionProgress()).toList();
  }

  private static String errorClassOf(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call fails").isNotNull();
    return RawGrpc.errorClass(failure).orElse("<none: " + failure.getStatus() + ">");
  }

  private String reattachErrorClass(ReattachExecuteRequest request) {
    return errorClassOf(() -> stub.reattachExecute(request).forEachRemaining(r -> {}));
  }

  @Test
  void everyResponseCarriesSessionOperationAndUniqueResponseIds() {
    String session = RawGrpc.newSessionId();
    String operation = UUID.randomUUID().toString();
    List<ExecutePlanResponse> responses =
        execute(
            session,
            operation,
            Plan.newBuilder()
                .setRoot(Relation.newBuilder().setRange(Range.newBuilder().setEnd(10).setStep(1)))
                .build(),
            true);
    assertThat(responses).extracting(ExecutePlanResponse::getSessionId).containsOnly(session);
    assertThat(responses).extracting(ExecutePlanResponse::getOperationId).containsOnly(operation);
    assertThat(responses)
        .extracting(ExecutePlanResponse::getServerSideSessionId)
        .hasSize(responses.size())
        .doesNotContain("")
        .containsOnly(responses.get(0).getServerSideSessionId());
    assertThat(responses)
        .extracting(ExecutePlanResponse::getResponseId)
        .doesNotHaveDuplicates()
        .allSatisfy(id -> UUID.fromString(id));
    // Spark's order: schema, Arrow batches, metrics, then ResultComplete for reattachable
    // executions; progress reports may come in between, whenever the job is slow enough.
    List<ExecutePlanResponse> results = withoutProgress(responses);
    assertThat(results.get(0).hasSchema()).isTrue();
    assertThat(results.get(1).hasArrowBatch()).isTrue();
    assertThat(results.get(results.size() - 2).hasMetrics()).isTrue();
    assertThat(results.get(results.size() - 1).hasResultComplete()).isTrue();
  }

  @Test
  void nonReattachableExecutionEndsWithoutResultComplete() {
    List<ExecutePlanResponse> responses =
        execute(RawGrpc.newSessionId(), null, sql("select 1"), false);
    assertThat(responses).noneMatch(ExecutePlanResponse::hasResultComplete);
    assertThat(responses).anyMatch(ExecutePlanResponse::hasArrowBatch);
  }

  @Test
  void serverSideSessionIdIsStableAndChecked() {
    String session = RawGrpc.newSessionId();
    String first = getOption(session, "spark.sql.shuffle.partitions").getServerSideSessionId();
    assertThat(getOption(session, "spark.sql.shuffle.partitions").getServerSideSessionId())
        .isEqualTo(first);
    String error =
        errorClassOf(
            () ->
                stub.config(
                    ConfigRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(user)
                        .setClientObservedServerSideSessionId(UUID.randomUUID().toString())
                        .setOperation(
                            ConfigRequest.Operation.newBuilder()
                                .setGetAll(ConfigRequest.GetAll.newBuilder()))
                        .build()));
    assertThat(error).isEqualTo("INVALID_HANDLE.SESSION_CHANGED");
  }

  @Test
  void sessionIdMustBeAUuid() {
    assertThat(errorClassOf(() -> getOption("not-a-uuid", "x"))).isEqualTo("INVALID_HANDLE.FORMAT");
  }

  @Test
  void sessionsAreKeyedByUser() {
    String session = RawGrpc.newSessionId();
    String alices = getOption(session, "x").getServerSideSessionId();
    String bobs = stub.config(RawGrpc.configGetAll(session, "bob")).getServerSideSessionId();
    assertThat(bobs).isNotEqualTo(alices);
  }

  @Test
  void releasedSessionIsTombstoned() {
    String session = RawGrpc.newSessionId();
    String serverSide = getOption(session, "x").getServerSideSessionId();
    var released =
        stub.releaseSession(
            ReleaseSessionRequest.newBuilder().setSessionId(session).setUserContext(user).build());
    assertThat(released.getServerSideSessionId()).isEqualTo(serverSide);
    assertThat(errorClassOf(() -> getOption(session, "x")))
        .isEqualTo("INVALID_HANDLE.SESSION_CLOSED");
  }

  @Test
  void releaseWithReconnectAllowsANewSessionUnderTheSameId() {
    String session = RawGrpc.newSessionId();
    String before = getOption(session, "x").getServerSideSessionId();
    stub.releaseSession(
        ReleaseSessionRequest.newBuilder()
            .setSessionId(session)
            .setUserContext(user)
            .setAllowReconnect(true)
            .build());
    assertThat(getOption(session, "x").getServerSideSessionId()).isNotEqualTo(before);
  }

  @Test
  void releaseExecuteOfUnknownOperationAnswersWithoutOperationId() {
    String session = RawGrpc.newSessionId();
    getOption(session, "x");
    var response =
        stub.releaseExecute(RawGrpc.releaseAll(session, user, UUID.randomUUID().toString()));
    assertThat(response.getSessionId()).isEqualTo(session);
    assertThat(response.hasOperationId()).isFalse();
  }

  @Test
  void releaseExecuteNeedsAnExistingSession() {
    String error =
        errorClassOf(
            () ->
                stub.releaseExecute(
                    RawGrpc.releaseAll(
                        RawGrpc.newSessionId(), user, UUID.randomUUID().toString())));
    assertThat(error).isEqualTo("INVALID_HANDLE.SESSION_NOT_FOUND");
  }

  @Test
  void reattachToUnknownOrReleasedOperationIsNotFound() {
    String session = RawGrpc.newSessionId();
    String operation = UUID.randomUUID().toString();
    execute(session, operation, sql("select 1"), true);
    stub.releaseExecute(RawGrpc.releaseAll(session, user, operation));
    for (String op : List.of(operation, UUID.randomUUID().toString())) {
      String error = reattachErrorClass(RawGrpc.reattach(session, user, op).build());
      assertThat(error).isEqualTo("INVALID_HANDLE.OPERATION_NOT_FOUND");
    }
  }

  @Test
  void reusedOperationIdIsRefused() {
    String session = RawGrpc.newSessionId();
    String operation = UUID.randomUUID().toString();
    execute(session, operation, sql("select 1"), false);
    String error = errorClassOf(() -> execute(session, operation, sql("select 2"), false));
    assertThat(error).isEqualTo("INVALID_HANDLE.OPERATION_ABANDONED");
    assertThat(errorClassOf(() -> execute(session, "not-a-uuid", sql("select 1"), false)))
        .isEqualTo("INVALID_HANDLE.FORMAT");
  }

  @Test
  void reattachResumesAfterTheLastResponseSeen() {
    String session = RawGrpc.newSessionId();
    String operation = UUID.randomUUID().toString();
    ExecutePlanRequest request =
        RawGrpc.execute(session, user, sql("select id from range(5)"))
            .setOperationId(operation)
            .addRequestOptions(RawGrpc.reattachable(true))
            .build();
    Iterator<ExecutePlanResponse> stream = stub.executePlan(request);
    ExecutePlanResponse schema = stream.next();
    assertThat(schema.hasSchema()).isTrue();
    List<ExecutePlanResponse> rest = new ArrayList<>();
    stub.reattachExecute(
            RawGrpc.reattach(session, user, operation)
                .setLastResponseId(schema.getResponseId())
                .build())
        .forEachRemaining(rest::add);
    List<ExecutePlanResponse> results = withoutProgress(rest);
    assertThat(results.get(0).hasArrowBatch()).isTrue();
    assertThat(results.get(results.size() - 1).hasResultComplete()).isTrue();
    String unknown =
        reattachErrorClass(
            RawGrpc.reattach(session, user, operation)
                .setLastResponseId(UUID.randomUUID().toString())
                .build());
    assertThat(unknown).isEqualTo("INVALID_CURSOR.POSITION_NOT_FOUND");
  }

  private AnalyzePlanRequest.Builder analyze(String session) {
    return AnalyzePlanRequest.newBuilder().setSessionId(session).setUserContext(user);
  }

  /** The AnalyzePlan kinds the JVM client computes itself (PySpark asks the server for them). */
  @Test
  void analyzeKindsThatOnlyOtherClientsSend() {
    String session = RawGrpc.newSessionId();
    var parsed =
        stub.analyzePlan(
                analyze(session)
                    .setDdlParse(
                        AnalyzePlanRequest.DDLParse.newBuilder().setDdlString("a int, b string"))
                    .build())
            .getDdlParse();
    assertThat(parsed.getParsed().getStruct().getFieldsList())
        .extracting(f -> f.getName() + ":" + f.getDataType().getKindCase())
        .containsExactly("a:INTEGER", "b:STRING");

    var ddl =
        stub.analyzePlan(
                analyze(session)
                    .setJsonToDdl(
                        AnalyzePlanRequest.JsonToDDL.newBuilder()
                            .setJsonString(
                                "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"integer\","
                                    + "\"nullable\":true,\"metadata\":{}}]}"))
                    .build())
            .getJsonToDdl();
    assertThat(ddl.getDdlString()).isEqualTo("a INT");

    var tree =
        stub.analyzePlan(
                analyze(session)
                    .setTreeString(
                        AnalyzePlanRequest.TreeString.newBuilder()
                            .setPlan(sql("select 1 as one, 'x' as two")))
                    .build())
            .getTreeString();
    assertThat(tree.getTreeString()).contains("|-- one: integer").contains("|-- two: string");
  }

  @Test
  void everyRpcAnswers() throws Exception {
    String session = RawGrpc.newSessionId();
    assertThat(
            getOption(session, "spark.connect.session.planCompression.threshold")
                .getPairs(0)
                .hasValue())
        .as("the plan compression threshold is advertised, so clients compress large plans")
        .isTrue();
    assertThat(execute(session, null, sql("select 1"), false)).isNotEmpty();
    assertThat(
            stub.analyzePlan(
                    analyze(session)
                        .setSparkVersion(AnalyzePlanRequest.SparkVersion.newBuilder())
                        .build())
                .getSparkVersion()
                .getVersion())
        .isEqualTo("4.1.2");
    assertThat(
            stub.artifactStatus(
                    ArtifactStatusesRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(user)
                        .addNames("cache/0000")
                        .build())
                .getStatusesMap())
        .containsKey("cache/0000");
    assertThat(
            stub.interrupt(
                    InterruptRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(user)
                        .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_ALL)
                        .build())
                .getSessionId())
        .isEqualTo(session);
    assertThat(
            stub.fetchErrorDetails(
                    FetchErrorDetailsRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(user)
                        .setErrorId(UUID.randomUUID().toString())
                        .build())
                .getErrorsCount())
        .isZero();
    CloneSessionResponse clone =
        stub.cloneSession(
            CloneSessionRequest.newBuilder().setSessionId(session).setUserContext(user).build());
    assertThat(clone.getNewSessionId()).isNotEqualTo(session);
    assertThat(clone.getNewServerSideSessionId()).isNotEqualTo(clone.getServerSideSessionId());
    assertThat(addOneArtifact(session).getArtifacts(0).getIsCrcSuccessful()).isTrue();
    String operation = UUID.randomUUID().toString();
    execute(session, operation, sql("select 1"), true);
    assertThat(stub.releaseExecute(RawGrpc.releaseAll(session, user, operation)).getOperationId())
        .isEqualTo(operation);
    assertThat(reattachErrorClass(RawGrpc.reattach(session, user, operation).build()))
        .isEqualTo("INVALID_HANDLE.OPERATION_NOT_FOUND");
    assertThat(
            stub.releaseSession(
                    ReleaseSessionRequest.newBuilder()
                        .setSessionId(session)
                        .setUserContext(user)
                        .build())
                .getSessionId())
        .isEqualTo(session);
  }

  @Test
  void artifactNamesCannotEscapeTheSession() throws Exception {
    String session = RawGrpc.newSessionId();
    getOption(session, "x");
    for (String name : List.of("../../etc/passwd", "/tmp/x.jar", "jars/../../x.jar", "unknown/x")) {
      CompletableFuture<Throwable> done = new CompletableFuture<>();
      var requests = SparkConnectServiceGrpc.newStub(grpc.channel()).addArtifacts(observer(done));
      requests.onNext(RawGrpc.addArtifact(session, user, name, new byte[] {1, 2, 3}));
      requests.onCompleted();
      Throwable failure = done.get(60, TimeUnit.SECONDS);
      assertThat(failure).as(name).isInstanceOf(StatusRuntimeException.class);
      assertThat(RawGrpc.errorClass((StatusRuntimeException) failure))
          .as(name)
          .contains("INVALID_ARTIFACT_PATH");
    }
  }

  private AddArtifactsResponse addOneArtifact(String session) throws Exception {
    return RawGrpc.upload(
            SparkConnectServiceGrpc.newStub(grpc.channel()),
            RawGrpc.addArtifact(session, user, "files/hello.txt", "hello".getBytes()))
        .get(60, TimeUnit.SECONDS);
  }

  private static StreamObserver<AddArtifactsResponse> observer(CompletableFuture<Throwable> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(AddArtifactsResponse value) {}

      @Override
      public void onError(Throwable t) {
        done.complete(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    };
  }

  /**
   * A request nested deeper than spark.connect.grpc.marshallerRecursionLimit cannot be parsed: an
   * invalid argument, whose message names the limit. (Spark's server, through grpc-java, answers
   * UNKNOWN, which Spark's own client suite asserts in "handle unknown exception": a deliberate
   * difference, in the parity deviations.)
   */
  @Test
  void aRequestNestedDeeperThanTheLimitIsAnInvalidArgument() throws Exception {
    int limit = Integer.parseInt(spark.conf().get("spark.connect.grpc.marshallerRecursionLimit"));
    Dataset<Row> df = spark.range(1).toDF();
    for (int a = 1; a <= limit + 1; a++) {
      df = df.union(spark.range(a, a + 1).toDF());
    }
    Dataset<Row> tooDeep = df;
    Throwable failure = LargeStack.call(() -> catchThrowable(tooDeep::collect));
    assertThat(failure).isInstanceOf(SparkException.class);
    assertThat(failure.getMessage())
        .contains("io.grpc.StatusRuntimeException: INVALID_ARGUMENT")
        .contains("spark.connect.grpc.marshallerRecursionLimit");

    Relation deep = Relation.newBuilder().setRange(Range.newBuilder().setEnd(1)).build();
    // Each Limit adds two levels (Relation, Limit): just past the limit, and no deeper, as the
    // client itself serializes it recursively.
    for (int i = 0; i <= limit / 2; i++) {
      deep = Relation.newBuilder().setLimit(Limit.newBuilder().setInput(deep).setLimit(1)).build();
    }
    Plan plan = Plan.newBuilder().setRoot(deep).build();
    String session = RawGrpc.newSessionId();
    // A call first, so the channel is connected and the deep request is serialized on this
    // thread: on a channel still connecting, grpc-java serializes it later on one of its executor
    // threads, whose smaller stack overflowed at twice the limit and left the call unanswered.
    assertThat(getOption(session, "spark.sql.shuffle.partitions").getPairsCount()).isEqualTo(1);
    Throwable raw = LargeStack.call(() -> catchThrowable(() -> execute(session, null, plan, true)));
    assertThat(raw).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) raw).getStatus().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }
}
