package dev.vxconnect.testkit;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.sparkproject.io.grpc.CallOptions;
import org.sparkproject.io.grpc.Channel;
import org.sparkproject.io.grpc.ClientCall;
import org.sparkproject.io.grpc.ClientInterceptor;
import org.sparkproject.io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import org.sparkproject.io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.MethodDescriptor;

/**
 * An interceptor for the official client (its relocated gRPC) that counts the result rows reaching
 * it over the wire, as they arrive, before collect or toLocalIterator hands them out: what acts in
 * the middle of a result (kill its instance after so many rows, time the first row of the calls
 * that follow) watches it.
 */
public final class RowCounter implements ClientInterceptor {

  private final AtomicLong rows = new AtomicLong();
  private volatile long callsFromNanos = Long.MAX_VALUE;
  private volatile long firstRowOfCallsFromNanos;

  /** Rows received so far. */
  public long rows() {
    return rows.get();
  }

  /** Starts counting again from zero. */
  public void reset() {
    rows.set(0);
  }

  /**
   * Watches for the first result rows of a call started from {@code nanos} (System.nanoTime) on:
   * rows still in flight on a call that started before (e.g. from an instance just killed) do not
   * count.
   */
  public void watchCallsFrom(long nanos) {
    firstRowOfCallsFromNanos = 0;
    callsFromNanos = nanos;
  }

  /** When the first result rows of a call started from the watched time arrived (0: none yet). */
  public long firstRowOfWatchedCallsNanos() {
    return firstRowOfCallsFromNanos;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        long started = System.nanoTime();
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(RespT message) {
                if (message instanceof ExecutePlanResponse response && response.hasArrowBatch()) {
                  rows.addAndGet(response.getArrowBatch().getRowCount());
                  if (started >= callsFromNanos && firstRowOfCallsFromNanos == 0) {
                    firstRowOfCallsFromNanos = System.nanoTime();
                  }
                }
                super.onMessage(message);
              }
            },
            headers);
      }
    };
  }
}
