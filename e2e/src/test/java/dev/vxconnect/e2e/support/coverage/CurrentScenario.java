package dev.vxconnect.e2e.support.coverage;

/**
 * The e2e scenario running now ({@code TestClass.method}), set by the test bases around each test
 * so that the coverage recorder knows whom to credit for the requests a client sends.
 *
 * <p>A plain static, not a thread-local: the client sends some requests from its own threads. It
 * relies on scenarios running one at a time in the JVM (JUnit's default; the e2e module does not
 * enable parallel execution). Requests sent while no scenario is set are not recorded.
 */
public final class CurrentScenario {

  private static volatile String current;

  private CurrentScenario() {}

  public static void set(Class<?> testClass, String method) {
    current = testClass.getSimpleName() + "." + method;
  }

  public static void clear() {
    current = null;
  }

  /** The running scenario, or null between scenarios. */
  public static String get() {
    return current;
  }
}
