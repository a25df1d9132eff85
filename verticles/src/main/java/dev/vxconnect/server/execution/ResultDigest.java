package dev.vxconnect.server.execution;

import java.nio.ByteBuffer;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * A running digest of an operation's result responses, in order: two 64-bit xxHash chains (each
 * response hashed with the previous value as its seed) over each Arrow batch's bytes, row count,
 * start offset and chunk position. Fast enough to follow a result at several GB/s; it tells a
 * re-executed result from the one a client received, which nobody forges against themselves.
 */
final class ResultDigest {

  private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();
  private static final XXHash64 HASH = XXHASH.hash64();

  private long first = 0x76786320636f6e6eL;
  private long second = 0x6563742072657375L;

  /** Where the batch's bytes pass through on their way to the hashes. */
  private final byte[] scratch = new byte[16 << 10];

  /** Adds one result (Arrow batch) response. */
  void add(ExecutePlanResponse.ArrowBatch batch) {
    ByteBuffer position =
        ByteBuffer.allocate(32)
            .putLong(batch.getRowCount())
            .putLong(batch.getStartOffset())
            .putLong(batch.hasChunkIndex() ? batch.getChunkIndex() : -1)
            .putLong(batch.hasNumChunksInBatch() ? batch.getNumChunksInBatch() : -1);
    position.flip();
    try (StreamingXXHash64 firstData = XXHASH.newStreamingHash64(first);
        StreamingXXHash64 secondData = XXHASH.newStreamingHash64(second)) {
      // Piece by piece: a large batch's data is a rope of chunks, which asReadOnlyByteBuffer()
      // would join into one (humongous) array. Streamed, xxHash gives what one call over the whole
      // gives, so the digests are those other instances, of this version or an earlier one, make.
      for (ByteBuffer piece : batch.getData().asReadOnlyByteBufferList()) {
        while (piece.hasRemaining()) {
          int length = Math.min(piece.remaining(), scratch.length);
          piece.get(scratch, 0, length);
          firstData.update(scratch, 0, length);
          secondData.update(scratch, 0, length);
        }
      }
      first = HASH.hash(position, 0, 32, firstData.getValue());
      second = HASH.hash(position, 0, 32, secondData.getValue());
    }
  }

  /** The digest of every response added so far (16 bytes). */
  byte[] value() {
    return ByteBuffer.allocate(16).putLong(first).putLong(second).array();
  }
}
