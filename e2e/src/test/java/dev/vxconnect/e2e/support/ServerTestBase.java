package dev.vxconnect.e2e.support;

import dev.vxconnect.e2e.support.coverage.CurrentScenario;
import dev.vxconnect.testkit.ServerProcess;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Base of e2e tests about the server itself (sessions, interrupts, errors of the protocol): they
 * have no classic counterpart, so they run only in the server run. They live in the packages
 * e2e.rpc, e2e.ha, e2e.load and e2e.compat, which the oracle run excludes (see e2e/pom.xml).
 */
@Timeout(300)
public abstract class ServerTestBase {

  protected SparkSession spark;

  @BeforeEach
  void openSession(TestInfo test) {
    CurrentScenario.set(
        test.getTestClass().orElseThrow(), test.getTestMethod().orElseThrow().getName());
    spark = Sessions.connect(server().url());
  }

  @AfterEach
  void closeSession() throws Exception {
    try {
      if (spark != null) {
        Sessions.close(spark);
      }
    } finally {
      CurrentScenario.clear();
    }
  }

  protected static ServerProcess server() {
    return Sessions.server();
  }
}
