package dev.vxconnect.planner.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A class loader over the JVM's class path that remembers the names the class path does not have.
 * The server makes it the context class loader before anything else ({@link #install}), so that
 * every thread, and every class loader Spark makes (its shared jar loader, the sessions' artifact
 * loaders, the local executor's), ends at it.
 *
 * <p>Why: Janino, compiling Spark's generated code, looks each simple name of that code up in each
 * imported package, and most of those names do not exist. Every miss searches every jar on the
 * class path (about 290 in a distribution, 0.2 ms a miss), and Spark's compiles ask again: it was
 * 5-10% of a test server's CPU. The class path does not change while the server runs, so a miss
 * stays a miss. Only the system class loader's misses are remembered, and a bounded number of
 * them: once full, further misses are searched as before.
 */
public final class ClassPathMisses extends ClassLoader {

  static final int MAX_NAMES = 100_000;

  // Else the JVM would lock the loader around each Class.forName through it, one thread at a time.
  static {
    registerAsParallelCapable();
  }

  private final Set<String> missing = ConcurrentHashMap.newKeySet();
  private final int maxNames;

  ClassPathMisses() {
    this(MAX_NAMES);
  }

  ClassPathMisses(int maxNames) {
    super("vxconnect-class-path", ClassLoader.getSystemClassLoader());
    this.maxNames = maxNames;
  }

  /**
   * Straight to the system loader, which defines every class found: this one defines none, so it
   * needs no lock of its own (ClassLoader's would keep a lock object for each name ever asked).
   */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (missing.contains(name)) {
      throw new Missing(name);
    }
    try {
      return getParent().loadClass(name);
    } catch (ClassNotFoundException e) {
      if (missing.size() < maxNames) {
        missing.add(name);
      }
      throw e;
    }
  }

  /**
   * Makes it the calling thread's context class loader, inherited by the threads made from now on;
   * nothing if that loader is not the system one (an application server's, say): its class path
   * may change.
   */
  public static void install() {
    Thread thread = Thread.currentThread();
    if (thread.getContextClassLoader() == ClassLoader.getSystemClassLoader()) {
      thread.setContextClassLoader(new ClassPathMisses());
    }
  }

  /** How many names are remembered. */
  int remembered() {
    return missing.size();
  }

  /** A remembered miss: no stack trace, as its callers (Janino) only catch it. */
  private static final class Missing extends ClassNotFoundException {
    Missing(String name) {
      super(name);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
