package dev.vxconnect.planner.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The bytes of one spilled result block: a count, then each Arrow batch as its row count, its
 * length and its IPC bytes. The batches are wrapped, not copied, when a block is written; reading
 * copies each into an array of its own, which the sender then wraps without a copy.
 */
final class BlockFormat {

  private BlockFormat() {}

  /** The block's bytes as buffers that share the batches' arrays. */
  static ByteBuffer[] encode(List<ArrowBatch> batches) {
    ByteBuffer[] buffers = new ByteBuffer[1 + 2 * batches.size()];
    buffers[0] = ByteBuffer.allocate(Integer.BYTES).putInt(0, batches.size());
    for (int i = 0; i < batches.size(); i++) {
      ArrowBatch batch = batches.get(i);
      buffers[1 + 2 * i] =
          ByteBuffer.allocate(Long.BYTES + Integer.BYTES)
              .putLong(0, batch.rowCount())
              .putInt(Long.BYTES, batch.data().length);
      buffers[2 + 2 * i] = ByteBuffer.wrap(batch.data());
    }
    return buffers;
  }

  static ArrowBatch[] decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    ArrowBatch[] batches = new ArrowBatch[data.readInt()];
    for (int i = 0; i < batches.length; i++) {
      long rows = data.readLong();
      byte[] bytes = new byte[data.readInt()];
      data.readFully(bytes);
      batches[i] = new ArrowBatch(bytes, rows);
    }
    return batches;
  }
}
