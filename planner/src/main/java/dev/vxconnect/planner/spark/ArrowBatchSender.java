package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ResponseSink;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.sparkproject.connect.protobuf.ByteString;
import org.sparkproject.connect.protobuf.UnsafeByteOperations;

/**
 * Sends Arrow batches as ExecutePlanResponses in order, keeping each batch's start offset, and cuts
 * a batch into chunks when the client asked for result chunking (protocol 4.1).
 */
final class ArrowBatchSender {

  private final ResponseSink sink;

  /** The largest chunk a batch is cut into, or 0 when the client did not ask for chunking. */
  private final int maxChunkBytes;

  private long nextOffset;
  private int batchesSent;

  ArrowBatchSender(ResponseSink sink, int maxChunkBytes) {
    this.sink = sink;
    this.maxChunkBytes = maxChunkBytes;
  }

  void send(ArrowBatch batch) {
    byte[] data = batch.data();
    if (maxChunkBytes <= 0) {
      sink.send(response(batchBuilder(batch).setData(wrap(data, 0, data.length))));
    } else {
      int chunks = Math.max(1, (data.length + maxChunkBytes - 1) / maxChunkBytes);
      for (int i = 0; i < chunks; i++) {
        int from = i * maxChunkBytes;
        int to = Math.min(from + maxChunkBytes, data.length);
        sink.send(
            response(
                batchBuilder(batch)
                    .setData(wrap(data, from, to - from))
                    .setChunkIndex(i)
                    .setNumChunksInBatch(chunks)));
      }
    }
    nextOffset += batch.rowCount();
    batchesSent++;
  }

  boolean sentNone() {
    return batchesSent == 0;
  }

  long rowsSent() {
    return nextOffset;
  }

  private ExecutePlanResponse.ArrowBatch.Builder batchBuilder(ArrowBatch batch) {
    return ExecutePlanResponse.ArrowBatch.newBuilder()
        .setRowCount(batch.rowCount())
        .setStartOffset(nextOffset);
  }

  private static ExecutePlanResponse response(ExecutePlanResponse.ArrowBatch.Builder batch) {
    return ExecutePlanResponse.newBuilder().setArrowBatch(batch).build();
  }

  /** The batch arrays are never written again once built, so they are wrapped without a copy. */
  private static ByteString wrap(byte[] data, int from, int length) {
    return UnsafeByteOperations.unsafeWrap(data, from, length);
  }
}
