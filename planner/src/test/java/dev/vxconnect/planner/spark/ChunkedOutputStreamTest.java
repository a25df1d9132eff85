package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedOutputStreamTest {

  @Test
  void whatIsWrittenComesBackInChunksNoLargerThanTheLimit() {
    Random random = new Random(42);
    ChunkedOutputStream out = new ChunkedOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    while (expected.size() < 3_000_000) {
      // Single bytes, small writes, and writes larger than a chunk.
      int length =
          random.nextInt(5) == 0 ? 1 : random.nextInt(random.nextBoolean() ? 100 : 600_000);
      byte[] bytes = new byte[length + 10];
      random.nextBytes(bytes);
      if (length == 1) {
        out.write(bytes[3]);
        expected.write(bytes[3]);
      } else {
        out.write(bytes, 10, length);
        expected.write(bytes, 10, length);
      }
    }

    ArrowBytes written = out.toArrowBytes();

    assertThat(written.size()).isEqualTo(expected.size());
    assertThat(Chunks.join(written)).isEqualTo(expected.toByteArray());
    assertThat(written.chunks())
        .allSatisfy(chunk -> assertThat(chunk.length).isBetween(1, ArrowBytes.CHUNK_BYTES));
    assertThat(written.chunks().get(written.chunks().size() - 2))
        .as("a full chunk in the middle")
        .hasSize(ArrowBytes.CHUNK_BYTES);
  }

  @Test
  void aSmallBatchTakesASmallChunk() {
    ChunkedOutputStream out = new ChunkedOutputStream();
    out.write(new byte[300], 0, 300);

    assertThat(out.toArrowBytes().chunks())
        .singleElement()
        .satisfies(c -> assertThat(c).hasSize(300));
  }

  @Test
  void nothingWrittenIsNoChunk() {
    assertThat(new ChunkedOutputStream().toArrowBytes().chunks()).isEmpty();
  }
}
