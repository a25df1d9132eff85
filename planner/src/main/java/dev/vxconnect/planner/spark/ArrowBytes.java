package dev.vxconnect.planner.spark;

import java.io.Serializable;
import java.util.List;

/**
 * The bytes of one Arrow batch, kept as the chunks they were written in and never joined into one
 * array. With G1's 1 MiB regions on a small heap, any array of 512 KiB or more is humongous: each
 * one is allocated outside the young generation and makes G1 collect sooner, and every collection
 * stops all threads, small RPCs included. A batch of 10 MiB as one array was such an allocation on
 * every step it took (encoder, task result, spilled block, response); as chunks of at most {@link
 * #CHUNK_BYTES} it is none. The chunks are never written again once built, so they are shared, not
 * copied, by whoever passes the batch on.
 */
final class ArrowBytes implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The largest chunk: well under the 512 KiB at which G1 (1 MiB regions) calls an array humongous. */
  static final int CHUNK_BYTES = 256 << 10;

  static final ArrowBytes EMPTY = new ArrowBytes(List.of());

  private final byte[][] chunks;
  private final int size;

  /** Takes the chunks as they are: the caller does not write them again. */
  ArrowBytes(List<byte[]> chunks) {
    this.chunks = chunks.toArray(new byte[0][]);
    long total = 0;
    for (byte[] chunk : this.chunks) {
      if (chunk.length > CHUNK_BYTES) {
        throw new IllegalArgumentException("A chunk of " + chunk.length + " bytes");
      }
      total += chunk.length;
    }
    this.size = Math.toIntExact(total);
  }

  /** The number of bytes in all chunks. */
  int size() {
    return size;
  }

  /** The chunks in order; the arrays themselves, which nobody may write. */
  List<byte[]> chunks() {
    return List.of(chunks);
  }
}
