package dev.vxconnect.planner.spark;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Arrow bytes for tests: made from an array, and joined back into one. */
final class Chunks {

  private Chunks() {}

  /** {@code data} in chunks of {@code chunkBytes} (the last one shorter). */
  static ArrowBytes split(byte[] data, int chunkBytes) {
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < data.length; from += chunkBytes) {
      chunks.add(Arrays.copyOfRange(data, from, Math.min(data.length, from + chunkBytes)));
    }
    return new ArrowBytes(chunks);
  }

  /** {@code data} in chunks as large as they may be. */
  static ArrowBytes of(byte[] data) {
    return split(data, ArrowBytes.CHUNK_BYTES);
  }

  static byte[] join(ArrowBytes bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.size());
    for (byte[] chunk : bytes.chunks()) {
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }
}
