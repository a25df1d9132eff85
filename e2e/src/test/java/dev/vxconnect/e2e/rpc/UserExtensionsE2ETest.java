package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.ServerSideJar;
import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.coverage.CoverageInterceptor;
import dev.vxconnect.e2e.support.coverage.CurrentScenario;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.ProtoColumnNode;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.com.google.protobuf.Any;
import org.sparkproject.com.google.protobuf.StringValue;
import org.sparkproject.io.grpc.CallOptions;
import org.sparkproject.io.grpc.Channel;
import org.sparkproject.io.grpc.ClientCall;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import org.sparkproject.io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.MethodDescriptor;
import org.sparkproject.io.grpc.Status;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * A user's server-side classes, given as Spark's server takes them: gRPC interceptors
 * (spark.connect.grpc.interceptor.classes) and Connect plugins (spark.connect.extensions.*.classes),
 * compiled from e2e/src/test/user-extensions against the server's class path and handed to one
 * server of this class through VXCONNECT_CLASSPATH. The official client sends extension relations,
 * expressions and commands and gets what the plugins make of them; the interceptors refuse calls,
 * read headers and add response headers, and what vxconnect cannot run of them is refused, not
 * skipped. What the plugins make is their own contract (one row per word, upper case, a view with
 * its name), so the expected values come from the same inputs.
 */
@Timeout(300)
class UserExtensionsE2ETest {

  private static final String USER = "dev.vxconnect.userext.";
  private static final String EXECUTE_PLAN = "spark.connect.SparkConnectService/ExecutePlan";

  private static Path jar;
  private static ServerProcess server;

  private final List<SparkSession> sessions = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    Path home = ServerProcess.home();
    Path dir = Files.createDirectories(ServerProcess.targetDirectory().resolve("user-extensions"));
    jar =
        ServerSideJar.build(
            home.resolve("e2e/src/test/user-extensions"), dir.resolve("user-extensions.jar"));
    server =
        ServerProcess.start(
            "user-extensions",
            List.of(
                // The last listed is called first: TenantInterceptor refuses before the other runs.
                "spark.connect.grpc.interceptor.classes="
                    + USER
                    + "ObservingInterceptor,"
                    + USER
                    + "TenantInterceptor",
                "spark.connect.extensions.relation.classes=" + USER + "WordsRelationPlugin",
                "spark.connect.extensions.expression.classes=" + USER + "ShoutExpressionPlugin",
                "spark.connect.extensions.command.classes=" + USER + "ViewCommandPlugin"),
            Map.of("VXCONNECT_CLASSPATH", jar.toString()));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void scenario(TestInfo test) {
    CurrentScenario.set(
        test.getTestClass().orElseThrow(), test.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void closeSessions() {
    try {
      sessions.forEach(Sessions::close);
    } finally {
      CurrentScenario.clear();
    }
  }

  @Test
  void anInterceptorRefusesACallWithoutItsHeader() {
    ResponseMetadata seen = new ResponseMetadata();
    SparkSession spark = session("", seen);
    Throwable refused = catchThrowable(() -> spark.range(3).count());
    assertThat(refused).as("a call without x-tenant").isNotNull();
    assertThat(refused.getMessage())
        .contains("PERMISSION_DENIED")
        .contains("TenantInterceptor: no x-tenant header");
    assertThat(seen.trailers)
        .anySatisfy(
            trailers ->
                assertThat(trailers.get(key("x-refused-by"))).isEqualTo("TenantInterceptor"));
  }

  @Test
  void anInterceptorReadsHeadersAndAnswersWithItsOwnOnAWorkerThread() {
    ResponseMetadata seen = new ResponseMetadata();
    SparkSession spark = session(";x-tenant=acme", seen);
    assertThat(spark.range(3).count()).isEqualTo(3);
    assertThat(spark.range(5).count()).isEqualTo(5);

    List<Metadata> executions =
        seen.headers.stream().filter(h -> EXECUTE_PLAN.equals(h.get(key("x-method")))).toList();
    assertThat(executions).as("ExecutePlan answers").hasSizeGreaterThanOrEqualTo(2);
    for (Metadata headers : seen.headers) {
      assertThat(headers.get(key("x-tenant-seen"))).isEqualTo("acme");
      // The interceptor may block: it runs on a worker, never on an event loop.
      assertThat(headers.get(key("x-intercepted-on"))).startsWith("vert.x-worker-thread");
    }
    // Every call counted once, in order.
    List<Long> counts =
        seen.headers.stream().map(h -> Long.parseLong(h.get(key("x-tenant-calls")))).toList();
    assertThat(counts).doesNotHaveDuplicates().allMatch(n -> n > 0);
    assertThat(Long.parseLong(executions.get(1).get(key("x-tenant-calls"))))
        .isGreaterThan(Long.parseLong(executions.get(0).get(key("x-tenant-calls"))));
  }

  @Test
  void anInterceptorThatWantsTheMessagesIsRefusedNotSkipped() {
    SparkSession spark = session(";x-tenant=acme;x-observe=messages", new ResponseMetadata());
    Throwable refused = catchThrowable(() -> spark.range(3).count());
    assertThat(refused).as("a call whose interceptor wraps the listener").isNotNull();
    assertThat(refused.getMessage())
        .contains("UNIMPLEMENTED")
        .contains(USER + "ObservingInterceptor returns a listener of its own")
        .contains("spark.connect.grpc.interceptor.classes");
  }

  @Test
  void aRelationPluginServesAnExtensionRelation() {
    SparkSession spark = session(";x-tenant=acme", new ResponseMetadata());
    String text = "vert.x speaks spark connect";
    Dataset<Row> words =
        connect(spark)
            .newDataFrame(
                (Function1<Relation.Builder, BoxedUnit>)
                    relation -> {
                      relation.setExtension(Any.pack(StringValue.of(text)));
                      return BoxedUnit.UNIT;
                    });
    assertThat(words.columns()).containsExactly("word");
    assertThat(words.collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly(text.split(" "));
  }

  @Test
  void anExpressionPluginServesAnExtensionExpression() {
    SparkSession spark = session(";x-tenant=acme", new ResponseMetadata());
    String text = "quiet please";
    Expression shout = Expression.newBuilder().setExtension(Any.pack(StringValue.of(text))).build();
    Row row =
        spark
            .range(1)
            .select(new Column(new ProtoColumnNode(shout, ProtoColumnNode.apply$default$2())))
            .first();
    assertThat(row.getString(0)).isEqualTo(text.toUpperCase(Locale.ROOT));
  }

  @Test
  void aCommandPluginRunsAnExtensionCommand() {
    SparkSession spark = session(";x-tenant=acme", new ResponseMetadata());
    String view = "made_by_a_plugin";
    connect(spark)
        .execute(Command.newBuilder().setExtension(Any.pack(StringValue.of(view))).build());
    assertThat(spark.table(view).collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly(view);
  }

  @Test
  void anInterceptorClassThatCannotServeStopsTheStart() throws Exception {
    Duration timeout = Duration.ofSeconds(90);
    ServerProcess.Exited missing =
        ServerProcess.startExpectingExit(
            "user-extensions-missing",
            List.of("spark.connect.grpc.interceptor.classes=" + USER + "NoSuchInterceptor"),
            Map.of("VXCONNECT_CLASSPATH", jar.toString()),
            timeout);
    assertThat(missing.code()).as("exit code").isNotZero();
    assertThat(missing.log())
        .contains(
            "spark.connect.grpc.interceptor.classes: class "
                + USER
                + "NoSuchInterceptor cannot be loaded");
    ServerProcess.Exited notAnInterceptor =
        ServerProcess.startExpectingExit(
            "user-extensions-not-an-interceptor",
            List.of("spark.connect.grpc.interceptor.classes=" + USER + "WordsRelationPlugin"),
            Map.of("VXCONNECT_CLASSPATH", jar.toString()),
            timeout);
    assertThat(notAnInterceptor.code()).as("exit code").isNotZero();
    assertThat(notAnInterceptor.log())
        .contains(
            USER + "WordsRelationPlugin is not a org.sparkproject.connect.grpc.ServerInterceptor");
  }

  private SparkSession session(String parameters, ResponseMetadata seen) {
    // The client's own builder: the session builder keeps only the last interceptor given.
    SparkConnectClient.Builder client =
        SparkConnectClient.builder().connectionString(server.url() + "/" + parameters);
    client.interceptor(seen);
    if (!"false".equals(System.getProperty("vxconnect.e2e.recordCoverage"))) {
      client.interceptor(new CoverageInterceptor());
    }
    SparkSession spark =
        org.apache.spark.sql.connect.SparkSession.builder().client(client.build()).create();
    sessions.add(spark);
    return spark;
  }

  private static org.apache.spark.sql.connect.SparkSession connect(SparkSession spark) {
    return (org.apache.spark.sql.connect.SparkSession) spark;
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** The response headers and trailers of every call of a session. */
  private static final class ResponseMetadata implements ClientInterceptor {
    final List<Metadata> headers = new CopyOnWriteArrayList<>();
    final List<Metadata> trailers = new CopyOnWriteArrayList<>();

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata requestHeaders) {
          super.start(
              new SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata responseHeaders) {
                  headers.add(responseHeaders);
                  super.onHeaders(responseHeaders);
                }

                @Override
                public void onClose(Status status, Metadata responseTrailers) {
                  trailers.add(responseTrailers);
                  super.onClose(status, responseTrailers);
                }
              },
              requestHeaders);
        }
      };
    }
  }
}
