package dev.vxconnect.e2e.support;

/**
 * Each e2e scenario runs twice, in two JVMs: first on a classic local SparkSession (the oracle),
 * which records what it returns; then with the official client against vxconnect, which must
 * return the same. The two cannot share a JVM: the client bundles Spark's SQL API compiled against
 * a relocated Arrow.
 *
 * <p>For a client whose schema strings depend on the server ({@link SparkServerSchemas}), a third
 * run before the server run executes the scenarios with that client against Apache Spark's own
 * Connect server and records the schemas the client reads from it.
 */
public enum Mode {
  ORACLE,
  SERVER,
  SPARK_SERVER;

  public static Mode current() {
    return switch (System.getProperty("vxconnect.e2e.mode", "server")) {
      case "oracle" -> ORACLE;
      case "spark-server" -> SPARK_SERVER;
      default -> SERVER;
    };
  }
}
