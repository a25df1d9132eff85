package dev.vxconnect.planner.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one spilled result block: a count, then each Arrow batch as its row count, its
 * length and its IPC bytes. The batches' chunks are wrapped, not copied, when a block is written;
 * reading puts each batch back into chunks of its own ({@link ArrowBytes}), which the sender then
 * wraps without a copy.
 */
final class BlockFormat {

  private BlockFormat() {}

  /** The block's bytes as buffers that share the batches' chunks. */
  static ByteBuffer[] encode(List<ArrowBatch> batches) {
    List<ByteBuffer> buffers = new ArrayList<>();
    buffers.add(ByteBuffer.allocate(Integer.BYTES).putInt(0, batches.size()));
    for (ArrowBatch batch : batches) {
      buffers.add(
          ByteBuffer.allocate(Long.BYTES + Integer.BYTES)
              .putLong(0, batch.rowCount())
              .putInt(Long.BYTES, batch.data().size()));
      for (byte[] chunk : batch.data().chunks()) {
        buffers.add(ByteBuffer.wrap(chunk));
      }
    }
    return buffers.toArray(new ByteBuffer[0]);
  }

  static ArrowBatch[] decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    ArrowBatch[] batches = new ArrowBatch[data.readInt()];
    for (int i = 0; i < batches.length; i++) {
      long rows = data.readLong();
      batches[i] = new ArrowBatch(readChunks(data, data.readInt()), rows);
    }
    return batches;
  }

  private static ArrowBytes readChunks(DataInputStream data, int length) throws IOException {
    List<byte[]> chunks = new ArrayList<>();
    for (int left = length; left > 0; left -= ArrowBytes.CHUNK_BYTES) {
      byte[] chunk = new byte[Math.min(left, ArrowBytes.CHUNK_BYTES)];
      data.readFully(chunk);
      chunks.add(chunk);
    }
    return new ArrowBytes(chunks);
  }
}
