package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ResponseSink;
import java.util.ArrayList;
import java.util.List;
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
    ByteString data = wrap(batch.data());
    if (maxChunkBytes <= 0) {
      sink.send(response(batchBuilder(batch).setData(data)));
    } else {
      int chunks = Math.max(1, (data.size() + maxChunkBytes - 1) / maxChunkBytes);
      for (int i = 0; i < chunks; i++) {
        int from = i * maxChunkBytes;
        int to = Math.min(from + maxChunkBytes, data.size());
        sink.send(
            response(
                batchBuilder(batch)
                    .setData(data.substring(from, to))
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

  /**
   * The batch's chunks as one ByteString without a copy: each chunk wrapped (they are never written
   * again once built) and the pieces joined as a rope, whose substrings (the result chunks) share
   * them too. Joining them into one array would be a humongous allocation per large batch.
   */
  private static ByteString wrap(ArrowBytes bytes) {
    List<ByteString> pieces = new ArrayList<>();
    for (byte[] chunk : bytes.chunks()) {
      pieces.add(UnsafeByteOperations.unsafeWrap(chunk));
    }
    // Despite its name, copyFrom(Iterable) concatenates: a balanced rope over the pieces.
    return ByteString.copyFrom(pieces);
  }
}
