package dev.vxconnect.server.buffer;

import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.sparkproject.connect.protobuf.ByteString;

/** Responses for the buffer's tests, where what counts of a response is its size. */
final class Responses {

  private Responses() {}

  /** An Arrow batch of one row carrying {@code bytes} bytes (zeros: only their number matters). */
  static ExecutePlanResponse batch(int bytes) {
    return ExecutePlanResponse.newBuilder()
        .setArrowBatch(
            ExecutePlanResponse.ArrowBatch.newBuilder()
                .setRowCount(1)
                .setData(ByteString.copyFrom(new byte[bytes])))
        .build();
  }
}
