package dev.vxconnect.planner.spark;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An output stream that keeps what is written in chunks of at most {@link ArrowBytes#CHUNK_BYTES},
 * where a ByteArrayOutputStream would double one array (and copy it at each step and once more at
 * the end). The chunks start small and double up to that size, so that a batch of a few rows costs
 * a few KiB, not a whole chunk; only the last one is copied, to its used length.
 */
final class ChunkedOutputStream extends OutputStream {

  private static final int FIRST_CHUNK_BYTES = 4 << 10;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current = new byte[FIRST_CHUNK_BYTES];
  private int used;

  /** Every byte written so far; an int, as the batch's bytes must fit a protobuf bytes field. */
  private int size;

  @Override
  public void write(int b) {
    reserve(1);
    if (used == current.length) {
      nextChunk();
    }
    current[used++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    reserve(length);
    while (length > 0) {
      if (used == current.length) {
        nextChunk();
      }
      int n = Math.min(length, current.length - used);
      System.arraycopy(bytes, offset, current, used, n);
      used += n;
      offset += n;
      length -= n;
    }
  }

  /** What was written, as chunks; the stream is not written to afterwards. */
  ArrowBytes toArrowBytes() {
    List<byte[]> all = new ArrayList<>(chunks);
    if (used > 0) {
      all.add(used == current.length ? current : Arrays.copyOf(current, used));
    }
    return new ArrowBytes(all);
  }

  private void reserve(int length) {
    if (length > Integer.MAX_VALUE - size) {
      // Spark's ByteArrayOutputStream fails here too (with an OutOfMemoryError, which would end an
      // executor): a failure of the task, asking for smaller batches.
      throw new IllegalStateException(
          "An Arrow batch larger than 2 GiB: lower spark.sql.execution.arrow.maxRecordsPerBatch");
    }
    size += length;
  }

  private void nextChunk() {
    chunks.add(current);
    current = new byte[Math.min(current.length * 2, ArrowBytes.CHUNK_BYTES)];
    used = 0;
  }
}
