package dev.vxconnect.planner.spark;

/** Rethrows Spark's checked exceptions from places (Scala functions) that cannot declare them. */
final class Throwables {

  private Throwables() {}

  /** Throws {@code t} unchanged; the return type only lets callers write {@code throw rethrow(t)}. */
  static RuntimeException rethrow(Throwable t) {
    Throwables.<RuntimeException>sneaky(t);
    return new IllegalStateException("unreachable", t);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
