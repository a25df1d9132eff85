package dev.vxconnect.server.execution;

import java.nio.ByteBuffer;
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

  private static final XXHash64 HASH = XXHashFactory.fastestInstance().hash64();

  private long first = 0x76786320636f6e6eL;
  private long second = 0x6563742072657375L;

  /** Adds one result (Arrow batch) response. */
  void add(ExecutePlanResponse.ArrowBatch batch) {
    ByteBuffer data = batch.getData().asReadOnlyByteBuffer();
    ByteBuffer position =
        ByteBuffer.allocate(32)
            .putLong(batch.getRowCount())
            .putLong(batch.getStartOffset())
            .putLong(batch.hasChunkIndex() ? batch.getChunkIndex() : -1)
            .putLong(batch.hasNumChunksInBatch() ? batch.getNumChunksInBatch() : -1);
    position.flip();
    first = HASH.hash(position, 0, 32, HASH.hash(data, data.position(), data.remaining(), first));
    second = HASH.hash(position, 0, 32, HASH.hash(data, data.position(), data.remaining(), second));
  }

  /** The digest of every response added so far (16 bytes). */
  byte[] value() {
    return ByteBuffer.allocate(16).putLong(first).putLong(second).array();
  }
}
