package dev.vxconnect.userext;

import org.sparkproject.connect.grpc.ForwardingServerCallListener;
import org.sparkproject.connect.grpc.Metadata;
import org.sparkproject.connect.grpc.ServerCall;
import org.sparkproject.connect.grpc.ServerCallHandler;
import org.sparkproject.connect.grpc.ServerInterceptor;

/**
 * A user's interceptor that, for calls with the header x-observe, wraps the call's listener to see
 * the request messages, as grpc-java lets it: a use vxconnect cannot serve and must refuse.
 */
public final class ObservingInterceptor implements ServerInterceptor {

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
    if (headers.get(TenantInterceptor.key("x-observe")) == null) {
      return listener;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT>(listener) {
      @Override
      public void onMessage(ReqT message) {
        System.out.println("ObservingInterceptor saw " + message.getClass().getSimpleName());
        super.onMessage(message);
      }
    };
  }
}
