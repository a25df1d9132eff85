package dev.vxconnect.userext;

import java.util.concurrent.atomic.AtomicLong;
import org.sparkproject.connect.grpc.ForwardingServerCall;
import org.sparkproject.connect.grpc.Metadata;
import org.sparkproject.connect.grpc.ServerCall;
import org.sparkproject.connect.grpc.ServerCallHandler;
import org.sparkproject.connect.grpc.ServerInterceptor;
import org.sparkproject.connect.grpc.Status;

/**
 * A user's interceptor, written for Spark's Connect server: refuses calls without an x-tenant
 * header (PERMISSION_DENIED, with a trailer naming itself), counts the calls it lets through and
 * answers each with response headers: the tenant, the count, and the thread it ran on.
 */
public final class TenantInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> TENANT = key("x-tenant");

  private final AtomicLong calls = new AtomicLong();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String tenant = headers.get(TENANT);
    String thread = Thread.currentThread().getName();
    if (tenant == null) {
      Metadata trailers = new Metadata();
      trailers.put(key("x-refused-by"), TenantInterceptor.class.getSimpleName());
      call.close(
          Status.PERMISSION_DENIED.withDescription("TenantInterceptor: no x-tenant header"),
          trailers);
      return new ServerCall.Listener<ReqT>() {};
    }
    long count = calls.incrementAndGet();
    ServerCall<ReqT, RespT> answering =
        new ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(key("x-tenant-seen"), tenant);
            responseHeaders.put(key("x-tenant-calls"), Long.toString(count));
            responseHeaders.put(key("x-intercepted-on"), thread);
            responseHeaders.put(key("x-method"), call.getMethodDescriptor().getFullMethodName());
            super.sendHeaders(responseHeaders);
          }
        };
    return next.startCall(answering, headers);
  }

  static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
