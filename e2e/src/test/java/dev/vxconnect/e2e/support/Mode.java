package dev.vxconnect.e2e.support;

/**
 * Each e2e scenario runs twice, in two JVMs: first on a classic local SparkSession (the oracle),
 * which records what it returns; then with the official client against vxconnect, which must
 * return the same. The two cannot share a JVM: the client bundles Spark's SQL API compiled against
 * a relocated Arrow.
 */
public enum Mode {
  ORACLE,
  SERVER;

  public static Mode current() {
    return "oracle".equals(System.getProperty("vxconnect.e2e.mode")) ? ORACLE : SERVER;
  }
}
