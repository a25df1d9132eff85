package dev.vxconnect.server.buffer;

import java.time.Duration;

/**
 * When a reattachable result stream is cut so that the client reattaches (Spark's
 * senderMaxStreamDuration / senderMaxStreamSize): long streams then never outlive a proxy's idle
 * or stream timeouts, and a broken connection costs little.
 */
public record StreamLimits(long maxBytes, Duration maxDuration) {

  /** No cut: for executions that are not reattachable. */
  public static final StreamLimits NONE = new StreamLimits(Long.MAX_VALUE, null);

  public boolean cuts() {
    return maxDuration != null;
  }
}
