package dev.vxconnect.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.auth.Authenticator;
import dev.vxconnect.server.auth.TokenTable;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.config.AuthOptions;
import dev.vxconnect.server.config.Conf;
import dev.vxconnect.server.config.TlsOptions;
import dev.vxconnect.server.intercept.InterceptorChain;
import dev.vxconnect.server.routing.ForwardSeal;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request message over spark.connect.grpc.maxInboundMessageSize: Vert.x's own answer is a bare
 * RESOURCE_EXHAUSTED; through the guard it names the limit, and the handler never sees it.
 */
class CallGuardTest {

  private static final long LIMIT = 64;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aMessageOverTheInboundLimitIsRefusedNamingTheLimit() throws Exception {
    Conf none = new Conf(Map.of());
    CallGuard guard =
        new CallGuard(
            new Authenticator(
                AuthOptions.from(none),
                TokenTable.empty(),
                Optional.empty(),
                TlsOptions.from(none)),
            new InterceptorChain(List.of()),
            new Failures(null, Duration.ofSeconds(1)),
            ForwardSeal.NONE,
            LIMIT);
    SparkConnectMethods methods = new SparkConnectMethods();
    AtomicBoolean handled = new AtomicBoolean();
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(LIMIT));
    grpc.callHandler(
        methods.config.server(),
        guard.guard((call, caller) -> call.handler(request -> handled.set(true))));
    int port =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .requestHandler(grpc)
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS)
            .actualPort();

    // One uncompressed gRPC frame of 100 bytes: flag, length, then the (never decoded) payload.
    Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(100).appendBytes(new byte[100]);
    // Held in a variable to the end: Vert.x closes a client it finds unreachable, failing a
    // request under way with "Pool closed".
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    MultiMap status =
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI("/spark.connect.SparkConnectService/Config")
                    .putHeader("content-type", "application/grpc")
                    .putHeader("te", "trailers"))
            .compose(request -> request.send(frame))
            .compose(
                response ->
                    response
                        .body()
                        .map(
                            body -> {
                              // A trailers-only answer has the status in its headers.
                              MultiMap all = MultiMap.caseInsensitiveMultiMap();
                              all.addAll(response.headers()).addAll(response.trailers());
                              return all;
                            }))
            .await(30, TimeUnit.SECONDS);

    assertThat(status.get("grpc-status")).isEqualTo("8"); // RESOURCE_EXHAUSTED
    // Percent-encoded on the wire, as gRPC clients decode it.
    assertThat(URLDecoder.decode(status.get("grpc-message"), StandardCharsets.UTF_8))
        .contains("100 bytes")
        .contains("spark.connect.grpc.maxInboundMessageSize = " + LIMIT);
    assertThat(handled).as("the handler never got the message").isFalse();
    client.close().await(30, TimeUnit.SECONDS);
  }
}
