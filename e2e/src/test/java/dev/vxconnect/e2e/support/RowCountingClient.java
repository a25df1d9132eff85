package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.RowCounter;
import org.apache.spark.sql.SparkSession;

/**
 * A session of the official client (server run only) whose result rows are counted as they reach
 * it over the wire ({@link RowCounter}): for tests that act in the middle of a result.
 */
public final class RowCountingClient {

  private RowCountingClient() {}

  /** A session on {@code url} (with the closed-channel retries of tests that break connections). */
  public static SparkSession connect(String url, RowCounter rows) {
    return ClientSessions.connectRetryingClosedChannels(url, rows);
  }
}
