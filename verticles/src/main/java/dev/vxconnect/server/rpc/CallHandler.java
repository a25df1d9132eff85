package dev.vxconnect.server.rpc;

import dev.vxconnect.server.auth.Caller;
import io.vertx.grpc.server.GrpcServerRequest;

/** Serves one RPC for a caller that {@link CallGuard} let in. */
@FunctionalInterface
public interface CallHandler<Req, Resp> {
  void handle(GrpcServerRequest<Req, Resp> call, Caller caller);
}
