package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockFormatTest {

  @Test
  void batchesComeBackInOrderWithTheirRowCountsAndBytes() throws Exception {
    List<ArrowBatch> batches =
        List.of(
            new ArrowBatch(Chunks.of(new byte[] {1, 2, 3}), 3),
            new ArrowBatch(ArrowBytes.EMPTY, 0),
            // Written in small chunks, of several full chunks when read back.
            new ArrowBatch(Chunks.split(random(700_000, 1), 10_000), 4_000_000_000L),
            new ArrowBatch(Chunks.of(random(2 * ArrowBytes.CHUNK_BYTES, 2)), 7));

    ArrowBatch[] read = BlockFormat.decode(new ByteArrayInputStream(block(batches)));

    assertThat(read).hasSize(4);
    for (int i = 0; i < read.length; i++) {
      assertThat(read[i].rowCount()).isEqualTo(batches.get(i).rowCount());
      assertThat(read[i].data().size()).isEqualTo(batches.get(i).data().size());
      assertThat(Chunks.join(read[i].data())).isEqualTo(Chunks.join(batches.get(i).data()));
    }
    assertThat(read[2].data().chunks())
        .extracting(chunk -> chunk.length)
        .containsExactly(ArrowBytes.CHUNK_BYTES, ArrowBytes.CHUNK_BYTES, 700_000 - 2 * 262_144);
    assertThat(read[3].data().chunks()).hasSize(2);
  }

  @Test
  void aChangedByteComesBackChanged() throws Exception {
    byte[] data = random(300_000, 3);
    byte[] block = block(List.of(new ArrowBatch(Chunks.of(data), 1)));
    block[block.length - 1000] ^= 1;

    ArrowBatch[] read = BlockFormat.decode(new ByteArrayInputStream(block));

    assertThat(Chunks.join(read[0].data())).isNotEqualTo(data);
  }

  @Test
  void theBatchesChunksAreWrappedNotCopied() {
    byte[] first = {7, 8};
    byte[] second = {9};
    ByteBuffer[] buffers =
        BlockFormat.encode(List.of(new ArrowBatch(new ArrowBytes(List.of(first, second)), 1)));
    assertThat(buffers).hasSize(4);
    assertThat(buffers[2].array()).isSameAs(first);
    assertThat(buffers[3].array()).isSameAs(second);
  }

  private static byte[] block(List<ArrowBatch> batches) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (ByteBuffer buffer : BlockFormat.encode(batches)) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      block.writeBytes(bytes);
    }
    return block.toByteArray();
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
