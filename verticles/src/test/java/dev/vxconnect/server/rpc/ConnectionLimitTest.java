package dev.vxconnect.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.google_protos.rpc.RetryInfo;
import org.sparkproject.connect.google_protos.rpc.Status;

/**
 * A connection beyond the most is not served: its call is answered UNAVAILABLE with the limit named
 * and a RetryInfo, as grpc-java reads a trailers-only response, and a place frees when a served connection closes.
 */
class ConnectionLimitTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionBeyondTheMostIsAnsweredUnavailableWithTheLimitNamed() throws Exception {
    ConnectionLimit limit = new ConnectionLimit(1, Duration.ofMillis(1500));
    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .connectionHandler(limit::admit)
            .requestHandler(limit.guard(request -> request.response().end("served")));
    int port = server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS).actualPort();

    HttpClient first = client();
    assertThat(call(first, port).body()).isEqualTo("served");
    assertThat(limit.open()).isEqualTo(1);

    Answer refused = call(client(), port);
    assertThat(refused.header("grpc-status")).isEqualTo("14");
    assertThat(refused.header("content-type")).isEqualTo("application/grpc");
    assertThat(refused.header("grpc-message"))
        .isEqualTo(limit.refusal().message())
        .contains("vxconnect.server.maxConnections = 1");
    Status details =
        Status.parseFrom(Base64.getDecoder().decode(refused.header("grpc-status-details-bin")));
    assertThat(details.getCode()).isEqualTo(14);
    RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(limit.open()).as("a refused connection is not counted").isEqualTo(1);

    first.close().await(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (limit.open() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Answer served = call(client(), port);
    assertThat(served.header("grpc-status")).isNull();
    assertThat(served.body()).isEqualTo("served");
  }

  @Test
  void refusedConnectionsBeyondThoseHeldAreClosedAtOnce() throws Exception {
    ConnectionLimit limit = new ConnectionLimit(1, Duration.ofSeconds(1), 1);
    List<FakeConnection> connections =
        List.of(new FakeConnection(), new FakeConnection(), new FakeConnection());
    CompletableFuture<Void> admitted = new CompletableFuture<>();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              try {
                connections.forEach(c -> limit.admit(c.proxy));
                admitted.complete(null);
              } catch (RuntimeException e) {
                admitted.completeExceptionally(e);
              }
            });
    admitted.get(30, TimeUnit.SECONDS); // fails with the admission's own failure, if any

    assertThat(connections.get(0).closed).as("served").isFalse();
    assertThat(connections.get(1).closed).as("refused, held to hear why").isFalse();
    assertThat(connections.get(2).closed).as("refused beyond those held").isTrue();
    assertThat(limit.open()).isEqualTo(1);
  }

  /** An HttpConnection that only records whether it was closed. */
  private static final class FakeConnection {
    volatile boolean closed;
    final HttpConnection proxy =
        (HttpConnection)
            Proxy.newProxyInstance(
                HttpConnection.class.getClassLoader(),
                new Class<?>[] {HttpConnection.class},
                (self, method, args) -> {
                  switch (method.getName()) {
                    case "close" -> closed = true;
                    case "closeHandler" -> {
                      return self;
                    }
                    case "hashCode" -> {
                      return System.identityHashCode(self);
                    }
                    case "equals" -> {
                      return self == args[0];
                    }
                    default -> {}
                  }
                  return null;
                });
  }

  /**
   * The clients made so far: Vert.x closes a client it finds unreachable (its pool then fails a
   * request under way with "Pool closed"), so each is held until the test ends.
   */
  private final List<HttpClient> clients = new ArrayList<>();

  /** A client of its own connection, HTTP/2 without upgrade, as gRPC clients speak. */
  private HttpClient client() {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    clients.add(client);
    return client;
  }

  /** A response's headers (trailers-only responses have no others) and body. */
  private record Answer(MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private static Answer call(HttpClient client, int port) throws Exception {
    return client
        .request(HttpMethod.POST, port, "127.0.0.1", "/spark.connect.SparkConnectService/Config")
        .compose(request -> request.send())
        .compose(
            response ->
                response.body().map(body -> new Answer(response.headers(), body.toString())))
        .await(30, TimeUnit.SECONDS);
  }
}
