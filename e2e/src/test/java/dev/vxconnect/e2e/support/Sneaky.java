package dev.vxconnect.e2e.support;

/**
 * Calls a Spark method that declares a checked exception (the Catalog's {@code AnalysisException})
 * from a scenario lambda, rethrowing the exception itself, unwrapped, so checkError sees it as is.
 */
public final class Sneaky {

  private Sneaky() {}

  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  public static <T> T call(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw Sneaky.<RuntimeException>rethrow(e);
    }
  }

  public static void run(Action action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }
}
