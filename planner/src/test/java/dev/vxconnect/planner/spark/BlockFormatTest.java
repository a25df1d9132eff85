package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockFormatTest {

  @Test
  void batchesComeBackInOrderWithTheirRowCounts() throws Exception {
    List<ArrowBatch> batches =
        List.of(
            new ArrowBatch(new byte[] {1, 2, 3}, 3),
            new ArrowBatch(new byte[0], 0),
            new ArrowBatch(new byte[100_000], 4_000_000_000L));
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (ByteBuffer buffer : BlockFormat.encode(batches)) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      block.write(bytes);
    }

    ArrowBatch[] read = BlockFormat.decode(new ByteArrayInputStream(block.toByteArray()));

    assertThat(read).hasSize(3);
    for (int i = 0; i < read.length; i++) {
      assertThat(read[i].rowCount()).isEqualTo(batches.get(i).rowCount());
      assertThat(read[i].data()).isEqualTo(batches.get(i).data());
    }
  }

  @Test
  void theBatchesArraysAreWrappedNotCopied() {
    byte[] data = {7, 8};
    ByteBuffer[] buffers = BlockFormat.encode(List.of(new ArrowBatch(data, 1)));
    assertThat(buffers[2].array()).isSameAs(data);
  }
}
