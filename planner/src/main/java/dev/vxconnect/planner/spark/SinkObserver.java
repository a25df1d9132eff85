package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ResponseSink;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.sparkproject.connect.grpc.stub.StreamObserver;

/**
 * Gives Spark's planner the (relocated) gRPC observer it writes command results to, and passes
 * them on to our sink. Completion is the server's business, so {@link #onCompleted} does nothing.
 */
final class SinkObserver implements StreamObserver<ExecutePlanResponse> {

  private final ResponseSink sink;

  SinkObserver(ResponseSink sink) {
    this.sink = sink;
  }

  @Override
  public void onNext(ExecutePlanResponse response) {
    sink.send(response);
  }

  @Override
  public void onError(Throwable failure) {
    throw Throwables.rethrow(failure);
  }

  @Override
  public void onCompleted() {}
}
