package dev.vxconnect.e2e.parity;

import java.util.ArrayList;
import java.util.List;
import org.sparkproject.io.grpc.CallOptions;
import org.sparkproject.io.grpc.Channel;
import org.sparkproject.io.grpc.ClientCall;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import org.sparkproject.io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.MethodDescriptor;
import org.sparkproject.io.grpc.Status;

/**
 * Added to one client session: records every Spark Connect call the session makes, in the order
 * the calls start, with each response message and how the call ended (status and trailers). It
 * only observes. ReleaseExecute is not recorded: the client sends it in the background after a
 * result stream, so when it ends (and whether one is sent before the next call) is the client's
 * timing, and its answer carries nothing but ids.
 */
final class ResponseRecorder implements ClientInterceptor {

  static final String SERVICE = "spark.connect.SparkConnectService";

  /** One call: its method, its responses, and its end (null while it runs). */
  static final class Call {
    final String method;
    final List<Object> responses = new ArrayList<>();
    Status status;
    Metadata trailers;

    Call(String method) {
      this.method = method;
    }
  }

  private final List<Call> calls = new ArrayList<>();

  /** The calls so far, in the order they started. */
  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many calls have started. */
  synchronized int started() {
    return calls.size();
  }

  /**
   * The calls from the {@code from}th on, once each has ended: the client may hand over a call's
   * last response before its end reaches the listener. Waits at most {@code timeoutMs}; a call
   * still running then shows as such in the transcript.
   */
  synchronized List<Call> endedFrom(int from, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (calls.subList(from, calls.size()).stream().anyMatch(call -> call.status == null)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return List.copyOf(calls.subList(from, calls.size()));
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    ClientCall<ReqT, RespT> call = next.newCall(method, options);
    if (!SERVICE.equals(method.getServiceName())
        || "ReleaseExecute".equals(method.getBareMethodName())) {
      return call;
    }
    Call record = new Call(method.getBareMethodName());
    synchronized (this) {
      calls.add(record);
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(RespT message) {
                synchronized (ResponseRecorder.this) {
                  record.responses.add(message);
                }
                super.onMessage(message);
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                synchronized (ResponseRecorder.this) {
                  record.status = status;
                  record.trailers = trailers;
                  ResponseRecorder.this.notifyAll();
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
