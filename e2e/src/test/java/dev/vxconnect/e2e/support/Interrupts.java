package dev.vxconnect.e2e.support;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Interrupts sent from a test while a query runs in the background. */
public final class Interrupts {

  private Interrupts() {}

  /**
   * Calls {@code interrupt} (e.g. {@code spark::interruptAll}) until it interrupts something: the
   * background query may not have reached the server yet. Returns the interrupted operation ids.
   */
  public static List<String> whenRunning(Supplier<Seq<String>> interrupt)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<String> ids = CollectionConverters.asJava(interrupt.get());
      if (!ids.isEmpty()) {
        return ids;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("nothing was running to interrupt within 30 s");
  }
}
