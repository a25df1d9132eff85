package dev.vxconnect.cluster.hazelcast;

import dev.vxconnect.cluster.StateUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/** Runs a blocking Hazelcast call on a worker, off the event loop. */
final class Blocking {

  private final WorkerExecutor workers;

  Blocking(WorkerExecutor workers) {
    this.workers = workers;
  }

  /**
   * The call's result; when the state database failed under it (a write-through or a read-through
   * of a map), the failure is that database's {@link StateUnavailableException}, however Hazelcast
   * wrapped it on its way from the member that owns the entry.
   */
  <T> Future<T> call(Callable<T> work) {
    return workers.executeBlocking(
        () -> {
          try {
            return work.call();
          } catch (RuntimeException e) {
            throw StateUnavailableException.in(e).map(RuntimeException.class::cast).orElse(e);
          }
        },
        false);
  }
}
