package dev.vxconnect.e2e.support;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Outcomes of work a test started in the background. */
public final class Futures {

  private Futures() {}

  /** What {@code work} failed with, or null when it succeeded; it must end within 60 s. */
  public static Throwable failureOf(Future<?> work) throws InterruptedException {
    try {
      work.get(60, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the background work was still running 60 s later");
    }
  }
}
