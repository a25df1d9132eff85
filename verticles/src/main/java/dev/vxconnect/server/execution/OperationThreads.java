package dev.vxconnect.server.execution;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads operations run on: one per admitted operation (an operation may wait for its
 * client, or for a Spark slot, for as long as the client takes), reused while busy and ended after
 * a minute idle. Bounded: admission never lets more operations in than {@code max}.
 */
final class OperationThreads {

  private static final long IDLE_SECONDS = 60;

  private final ThreadPoolExecutor executor;

  OperationThreads(int max) {
    AtomicInteger created = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            0,
            max,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread thread = new Thread(task, "vxconnect-execute-" + created.getAndIncrement());
              // Operations are interrupted on stop; a thread stuck in user code must not keep the
              // JVM.
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs {@code task} on a thread of its own; throws RejectedExecutionException beyond the bound. */
  void run(Runnable task) throws RejectedExecutionException {
    executor.execute(task);
  }

  /** Interrupts what still runs and takes no more. */
  void close() {
    executor.shutdownNow();
  }
}
