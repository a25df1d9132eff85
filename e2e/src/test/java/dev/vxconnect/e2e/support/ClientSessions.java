package dev.vxconnect.e2e.support;

import dev.vxconnect.e2e.support.coverage.CoverageInterceptor;
import org.apache.spark.sql.SparkSession;

/** Sessions of the official Spark Connect JVM client (server run only). */
final class ClientSessions {

  private ClientSessions() {}

  /** A new session; what it sends is recorded for docs/protocol-coverage.md. */
  static SparkSession connect(String url) {
    return org.apache.spark.sql.connect.SparkSession.builder()
        .remote(url)
        .interceptor(new CoverageInterceptor())
        .create();
  }
}
