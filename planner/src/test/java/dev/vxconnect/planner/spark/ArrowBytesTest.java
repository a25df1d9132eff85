package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArrowBytesTest {

  @Test
  void batchesSurviveJavaSerializationAsTaskResultsDo() throws Exception {
    // Inline batches come from the executors to the driver inside a PartitionOutput.
    byte[] data = new byte[600_000];
    new Random(7).nextBytes(data);
    PartitionOutput output =
        new PartitionOutput(
            new ArrowBatch[] {
              new ArrowBatch(Chunks.of(data), 12), new ArrowBatch(ArrowBytes.EMPTY, 0)
            },
            new PartitionOutput.SpilledBlock[0]);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(output);
    }
    PartitionOutput read;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = (PartitionOutput) in.readObject();
    }

    assertThat(read.rows()).isEqualTo(12);
    assertThat(read.bytes()).isEqualTo(600_000);
    assertThat(Chunks.join(read.inline()[0].data())).isEqualTo(data);
    assertThat(read.inline()[0].data().chunks()).hasSize(3);
    assertThat(read.inline()[1].data().size()).isZero();
  }

  @Test
  void aChunkLargerThanTheLimitIsRefused() {
    assertThatThrownBy(() -> new ArrowBytes(List.of(new byte[ArrowBytes.CHUNK_BYTES + 1])))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
