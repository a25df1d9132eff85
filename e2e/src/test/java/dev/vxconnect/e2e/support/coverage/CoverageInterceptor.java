package dev.vxconnect.e2e.support.coverage;

import java.util.List;
import org.sparkproject.com.google.protobuf.Message;
import org.sparkproject.io.grpc.CallOptions;
import org.sparkproject.io.grpc.Channel;
import org.sparkproject.io.grpc.ClientCall;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import org.sparkproject.io.grpc.MethodDescriptor;

/**
 * Added to every client session of the server run (the client relocates gRPC): credits the
 * running scenario with each Spark Connect RPC it starts and each tracked oneof case its requests
 * carry. It only observes; requests go on unchanged.
 */
public final class CoverageInterceptor implements ClientInterceptor {

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    ClientCall<ReqT, RespT> call = next.newCall(method, options);
    // Taken when the call starts, so that every message of the call goes to the same scenario.
    String scenario = CurrentScenario.get();
    if (scenario == null || !ProtocolCases.SERVICE.equals(method.getServiceName())) {
      return call;
    }
    CoverageRecorder.record(
        scenario, List.of(ProtocolCases.Group.RPC.covered(method.getBareMethodName())));
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void sendMessage(ReqT message) {
        if (message instanceof Message request) {
          CoverageRecorder.record(scenario, ProtocolCases.casesIn(request));
        }
        super.sendMessage(message);
      }
    };
  }
}
