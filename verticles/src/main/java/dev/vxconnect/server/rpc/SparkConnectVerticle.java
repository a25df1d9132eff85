package dev.vxconnect.server.rpc;

import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.auth.Pem;
import dev.vxconnect.server.call.Failures;
import dev.vxconnect.server.config.ServerOptions;
import dev.vxconnect.server.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The Spark Connect gRPC service on one event loop: a table from each of the 11 RPCs to its
 * handler, each behind the {@link CallGuard}, plus grpc.health.v1. Deployed once per event loop;
 * the instances share the port.
 */
public final class SparkConnectVerticle extends VerticleBase {

  private final ServerOptions options;
  private final TlsOptions tls;
  private final RpcHandlers handlers;
  private final LongSupplier shutdownGraceMs;
  private HttpServer http;

  /** @param shutdownGraceMs how long streams in flight may still run when the service stops */
  public SparkConnectVerticle(
      ServerOptions options, TlsOptions tls, RpcHandlers handlers, LongSupplier shutdownGraceMs) {
    this.options = options;
    this.tls = tls;
    this.handlers = handlers;
    this.shutdownGraceMs = shutdownGraceMs;
  }

  @Override
  public Future<?> start() {
    SparkConnectMethods methods = handlers.methods();
    Failures failures = handlers.failures();
    CallGuard guard = handlers.guard();
    var forwarder = handlers.forwarder();
    GrpcServer grpc =
        GrpcServer.server(
            vertx, new GrpcServerOptions().setMaxMessageSize(options.maxInboundMessageSize()));
    grpc.callHandler(
        methods.executePlan.server(),
        guard.guard(
            new StreamingCall<>(
                methods.executePlan,
                handlers.executePlan()::open,
                handlers.limits(),
                failures,
                forwarder)));
    grpc.callHandler(
        methods.reattachExecute.server(),
        guard.guard(
            new StreamingCall<>(
                methods.reattachExecute,
                handlers.reattachExecute()::open,
                handlers.limits(),
                failures,
                forwarder)));
    grpc.callHandler(methods.addArtifacts.server(), guard.guard(handlers.addArtifacts()));
    grpc.callHandler(
        methods.analyzePlan.server(),
        guard.guard(
            new UnaryCall<>(
                methods.analyzePlan, handlers.analyzePlan()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.config.server(),
        guard.guard(
            new UnaryCall<>(methods.config, handlers.config()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.artifactStatus.server(),
        guard.guard(
            new UnaryCall<>(
                methods.artifactStatus, handlers.artifactStatus()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.interrupt.server(),
        guard.guard(
            new UnaryCall<>(methods.interrupt, handlers.interrupt()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.releaseExecute.server(),
        guard.guard(
            new UnaryCall<>(
                methods.releaseExecute, handlers.releaseExecute()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.releaseSession.server(),
        guard.guard(
            new UnaryCall<>(
                methods.releaseSession, handlers.releaseSession()::handle, failures, forwarder)));
    grpc.callHandler(
        methods.fetchErrorDetails.server(),
        guard.guard(
            new UnaryCall<>(
                methods.fetchErrorDetails,
                handlers.fetchErrorDetails()::handle,
                failures,
                forwarder)));
    grpc.callHandler(
        methods.cloneSession.server(),
        guard.guard(
            new UnaryCall<>(
                methods.cloneSession, handlers.cloneSession()::handle, failures, forwarder)));
    grpc.addService(HealthService.create(vertx));

    http = vertx.createHttpServer(httpOptions());
    return http.connectionHandler(handlers.connections()::admit)
        .requestHandler(handlers.connections().guard(handlers.calls().track(grpc)))
        .listen();
  }

  private HttpServerOptions httpOptions() {
    HttpServerOptions http =
        new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.port())
            .setInitialSettings(
                new Http2Settings().setMaxConcurrentStreams(options.maxConcurrentStreams()))
            .setIdleTimeout((int) options.idleTimeout().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (!tls.enabled()) {
      return http.setHttp2ClearTextEnabled(true);
    }
    // gRPC over TLS: HTTP/2 negotiated with ALPN.
    http.setSsl(true)
        .setUseAlpn(true)
        .setHttp2ClearTextEnabled(false)
        .setKeyCertOptions(Pem.keyCert(tls.certFile().orElseThrow(), tls.keyFile().orElseThrow()));
    tls.clientCaFile()
        .ifPresent(ca -> http.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(Pem.trust(ca)));
    return http;
  }

  /**
   * Sends every connection a GOAWAY (clients open new connections for new calls), lets the streams
   * in flight finish within what is left of the shutdown grace period, then closes the connections.
   */
  @Override
  public Future<?> stop() {
    return http.shutdown(shutdownGraceMs.getAsLong(), TimeUnit.MILLISECONDS);
  }

  /** The port actually bound (useful when configured with 0). */
  public int actualPort() {
    return http.actualPort();
  }
}
