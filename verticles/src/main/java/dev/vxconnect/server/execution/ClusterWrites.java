package dev.vxconnect.server.execution;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An operation's thread waits for what it writes to the cluster (state changes, command outcomes,
 * streaming query records, the last result marks) before its client can hear what that write
 * covers: one bound on that wait for all of them.
 */
final class ClusterWrites {

  static final long TIMEOUT_SECONDS = 30;

  private ClusterWrites() {}

  /** Waits, on an operation's thread (never an event loop), for a cluster write to complete. */
  static void await(Future<?> write)
      throws InterruptedException, ExecutionException, TimeoutException {
    write.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
