package dev.vxconnect.server.buffer;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Response ids that carry their own index: a UUID whose high half is a hash of the operation id
 * and whose low half is the response's index in the operation's stream. Any instance can therefore
 * tell, from a response id alone, which position of which operation a client has seen.
 */
public final class ResponseIds {

  private static final long VERSION_MASK = 0xF000L;
  private static final long VERSION_8 = 0x8000L;
  private static final long VARIANT_MASK = 0xC000_0000_0000_0000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

  private ResponseIds() {}

  /** The id of response {@code index} (1-based) of operation {@code operationId}. */
  public static String of(String operationId, long index) {
    if (index < 0 || (index & VARIANT_MASK) != 0) {
      throw new IllegalArgumentException("response index out of range: " + index);
    }
    return new UUID(operationBits(operationId), VARIANT_RFC | index).toString();
  }

  /** The index encoded in {@code responseId}, if it is a response id of {@code operationId}. */
  public static OptionalLong indexOf(String operationId, String responseId) {
    UUID uuid;
    try {
      uuid = UUID.fromString(responseId);
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
    if (uuid.getMostSignificantBits() != operationBits(operationId)
        || (uuid.getLeastSignificantBits() & VARIANT_MASK) != VARIANT_RFC) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(uuid.getLeastSignificantBits() & ~VARIANT_MASK);
  }

  private static long operationBits(String operationId) {
    // FNV-1a, 64 bits: stable across JVMs and instances.
    long hash = 0xcbf29ce484222325L;
    for (byte b : operationId.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return (hash & ~VERSION_MASK) | VERSION_8;
  }
}
