package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.planner.ResponseSink;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;

class ArrowBatchSenderTest {

  private final List<ExecutePlanResponse.ArrowBatch> sent = new ArrayList<>();
  private final ResponseSink sink = response -> sent.add(response.getArrowBatch());

  @Test
  void aBatchGoesOutWholeAsItsChunksWithoutACopy() {
    byte[] data = random(2 * ArrowBytes.CHUNK_BYTES + 1000);
    ArrowBatch batch = new ArrowBatch(Chunks.of(data), 5);

    new ArrowBatchSender(sink, 0).send(batch);

    assertThat(sent).singleElement();
    assertThat(sent.get(0).getData().toByteArray()).isEqualTo(data);
    assertThat(sent.get(0).getData().asReadOnlyByteBufferList())
        .as("the response's data is the batch's three chunks, joined without a copy")
        .hasSize(3);
    assertThat(sent.get(0).getRowCount()).isEqualTo(5);
    assertThat(sent.get(0).hasChunkIndex()).isFalse();
  }

  @Test
  void resultChunksCutAcrossTheBatchChunks() {
    byte[] first = random(ArrowBytes.CHUNK_BYTES + 5000);
    byte[] second = random(1000);
    ArrowBatchSender sender = new ArrowBatchSender(sink, 100_000);

    sender.send(new ArrowBatch(Chunks.of(first), 10));
    sender.send(new ArrowBatch(Chunks.of(second), 3));

    assertThat(sent).hasSize(4); // 267,144 bytes in 3 result chunks, then 1
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      ExecutePlanResponse.ArrowBatch chunk = sent.get(i);
      assertThat(chunk.getChunkIndex()).isEqualTo(i);
      assertThat(chunk.getNumChunksInBatch()).isEqualTo(3);
      assertThat(chunk.getStartOffset()).isZero();
      assertThat(chunk.getData().size()).isLessThanOrEqualTo(100_000);
      joined.writeBytes(chunk.getData().toByteArray());
    }
    assertThat(joined.toByteArray()).isEqualTo(first);
    assertThat(sent.get(3).getData().toByteArray()).isEqualTo(second);
    assertThat(sent.get(3).getStartOffset()).isEqualTo(10);
    assertThat(sender.rowsSent()).isEqualTo(13);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
