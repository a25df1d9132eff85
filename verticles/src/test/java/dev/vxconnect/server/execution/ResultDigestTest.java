package dev.vxconnect.server.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.protobuf.ByteString;
import org.sparkproject.connect.protobuf.UnsafeByteOperations;

class ResultDigestTest {

  private static final byte[] DATA = random(700_000);

  @Test
  void aBatchInChunksHasTheDigestOfTheSameBytesInOneArray() {
    ResultDigest chunked = new ResultDigest();
    ResultDigest whole = new ResultDigest();

    chunked.add(batch(rope(DATA, 256 << 10), 10, 0));
    whole.add(batch(ByteString.copyFrom(DATA), 10, 0));
    chunked.add(batch(rope(DATA, 1000), 3, 10));
    whole.add(batch(ByteString.copyFrom(DATA), 3, 10));

    assertThat(chunked.value()).isEqualTo(whole.value());
  }

  @Test
  void theDigestIsTheOneEarlierVersionsMade() {
    // One xxHash over the whole data, seeded with the chain so far, then over the position:
    // what instances before result chunks were ropes recorded, and may be resumed against.
    XXHash64 hash = XXHashFactory.fastestInstance().hash64();
    ByteBuffer position =
        ByteBuffer.allocate(32).putLong(10).putLong(0).putLong(-1).putLong(-1).flip();
    long first =
        hash.hash(
            position, 0, 32, hash.hash(ByteBuffer.wrap(DATA), 0, DATA.length, 0x76786320636f6e6eL));
    long second =
        hash.hash(
            position, 0, 32, hash.hash(ByteBuffer.wrap(DATA), 0, DATA.length, 0x6563742072657375L));
    ResultDigest digest = new ResultDigest();

    digest.add(batch(rope(DATA, 256 << 10), 10, 0));

    assertThat(digest.value())
        .isEqualTo(ByteBuffer.allocate(16).putLong(first).putLong(second).array());
  }

  @Test
  void oneChangedByteChangesTheDigest() {
    byte[] changed = DATA.clone();
    changed[500_000] ^= 1;
    ResultDigest original = new ResultDigest();
    ResultDigest other = new ResultDigest();

    original.add(batch(rope(DATA, 256 << 10), 10, 0));
    other.add(batch(rope(changed, 256 << 10), 10, 0));

    assertThat(other.value()).isNotEqualTo(original.value());
  }

  private static ExecutePlanResponse.ArrowBatch batch(ByteString data, long rows, long offset) {
    return ExecutePlanResponse.ArrowBatch.newBuilder()
        .setData(data)
        .setRowCount(rows)
        .setStartOffset(offset)
        .build();
  }

  /** The data as the planner sends it: chunks wrapped and joined, not copied. */
  private static ByteString rope(byte[] data, int chunkBytes) {
    List<ByteString> pieces = new ArrayList<>();
    for (int from = 0; from < data.length; from += chunkBytes) {
      byte[] chunk = Arrays.copyOfRange(data, from, Math.min(data.length, from + chunkBytes));
      pieces.add(UnsafeByteOperations.unsafeWrap(chunk));
    }
    ByteString rope = ByteString.copyFrom(pieces);
    assertThat(rope.asReadOnlyByteBufferList()).hasSize(pieces.size());
    return rope;
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new Random(11).nextBytes(bytes);
    return bytes;
  }
}
