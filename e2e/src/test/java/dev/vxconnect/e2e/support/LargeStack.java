package dev.vxconnect.e2e.support;

import java.util.concurrent.Callable;

/**
 * Runs work on a thread with a 256 MiB stack. The client serializes a plan recursively, and a plan
 * nested just past the server's recursion limit does not always fit a test thread's default stack.
 */
public final class LargeStack {

  private LargeStack() {}

  /** What {@code work} returned, or what it threw. */
  @SuppressWarnings("unchecked")
  public static <T> T call(Callable<T> work) throws Exception {
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                result[0] = work.call();
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "large-stack",
            256L << 20);
    thread.start();
    thread.join();
    if (failure[0] instanceof Exception e) {
      throw e;
    }
    if (failure[0] instanceof Error e) {
      throw e;
    }
    return (T) result[0];
  }
}
