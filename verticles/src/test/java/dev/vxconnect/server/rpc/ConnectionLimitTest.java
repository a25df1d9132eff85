package dev.vxconnect.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection beyond the most is not served: its call is answered UNAVAILABLE with the limit named,
 * as grpc-java reads a trailers-only response, and a place frees when a served connection closes.
 */
class ConnectionLimitTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionBeyondTheMostIsAnsweredUnavailableWithTheLimitNamed() throws Exception {
    ConnectionLimit limit = new ConnectionLimit(1);
    HttpServer server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .connectionHandler(limit::admit)
            .requestHandler(limit.guard(request -> request.response().end("served")));
    int port = server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS).actualPort();

    HttpClient first = client();
    assertThat(call(first, port).statusCode()).isEqualTo(200);
    assertThat(limit.open()).isEqualTo(1);

    HttpClientResponse refused = call(client(), port);
    assertThat(refused.getHeader("grpc-status")).isEqualTo("14");
    assertThat(refused.getHeader("content-type")).isEqualTo("application/grpc");
    assertThat(refused.getHeader("grpc-message"))
        .isEqualTo(limit.refusal())
        .contains("vxconnect.server.maxConnections = 1");
    assertThat(limit.open()).as("a refused connection is not counted").isEqualTo(1);

    first.close().await(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (limit.open() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    HttpClientResponse served = call(client(), port);
    assertThat(served.getHeader("grpc-status")).isNull();
    assertThat(served.body().await(30, TimeUnit.SECONDS).toString()).isEqualTo("served");
  }

  /** A client of its own connection, HTTP/2 without upgrade, as gRPC clients speak. */
  private HttpClient client() {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
  }

  private static HttpClientResponse call(HttpClient client, int port) throws Exception {
    return client
        .request(HttpMethod.POST, port, "127.0.0.1", "/spark.connect.SparkConnectService/Config")
        .compose(request -> request.send())
        .await(30, TimeUnit.SECONDS);
  }
}
