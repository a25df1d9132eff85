package dev.vxconnect.server.rpc;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.ServerOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The Spark Connect gRPC service on one event loop: a table from each of the 11 RPCs to its
 * handler, plus grpc.health.v1. Deployed once per event loop; the instances share the port.
 */
public final class SparkConnectVerticle extends VerticleBase {

  private final ServerOptions options;
  private final RpcHandlers handlers;
  private HttpServer http;

  public SparkConnectVerticle(ServerOptions options, RpcHandlers handlers) {
    this.options = options;
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    SparkConnectMethods methods = handlers.methods();
    Failures failures = handlers.failures();
    var forwarder = handlers.forwarder();
    GrpcServer grpc = GrpcServer.server(vertx,
        new GrpcServerOptions().setMaxMessageSize(options.getMaxInboundMessageSize()));
    grpc.callHandler(methods.executePlan.server(), handlers.executePlan());
    grpc.callHandler(methods.reattachExecute.server(), handlers.reattachExecute());
    grpc.callHandler(methods.addArtifacts.server(), handlers.addArtifacts());
    grpc.callHandler(methods.analyzePlan.server(), new UnaryCall<>(methods.analyzePlan, handlers.analyzePlan()::handle, failures, forwarder));
    grpc.callHandler(methods.config.server(), new UnaryCall<>(methods.config, handlers.config()::handle, failures, forwarder));
    grpc.callHandler(methods.artifactStatus.server(), new UnaryCall<>(methods.artifactStatus, handlers.artifactStatus()::handle, failures, forwarder));
    grpc.callHandler(methods.interrupt.server(), new UnaryCall<>(methods.interrupt, handlers.interrupt()::handle, failures, forwarder));
    grpc.callHandler(methods.releaseExecute.server(), new UnaryCall<>(methods.releaseExecute, handlers.releaseExecute()::handle, failures, forwarder));
    grpc.callHandler(methods.releaseSession.server(), new UnaryCall<>(methods.releaseSession, handlers.releaseSession()::handle, failures, forwarder));
    grpc.callHandler(methods.fetchErrorDetails.server(), new UnaryCall<>(methods.fetchErrorDetails, handlers.fetchErrorDetails()::handle, failures, forwarder));
    grpc.callHandler(methods.cloneSession.server(), new UnaryCall<>(methods.cloneSession, handlers.cloneSession()::handle, failures, forwarder));
    grpc.addService(HealthService.create(vertx));

    http = vertx.createHttpServer(new HttpServerOptions()
        .setHost(options.getHost())
        .setPort(options.getPort())
        .setHttp2ClearTextEnabled(true));
    return http.requestHandler(handlers.calls().track(grpc)).listen();
  }

  /**
   * Sends every connection a GOAWAY (clients open new connections for new calls), lets the streams
   * in flight finish within the shutdown grace period, then closes the connections.
   */
  @Override
  public Future<?> stop() {
    return http.shutdown(options.getShutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port actually bound (useful when configured with 0). */
  public int actualPort() {
    return http.actualPort();
  }
}
