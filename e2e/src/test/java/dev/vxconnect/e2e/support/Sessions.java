package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Where sessions come from: in the oracle run a classic local Spark (one per JVM, a new session per
 * test); in the server run one vxconnect process per JVM and a new client session per test.
 */
public final class Sessions {

  private static SparkSession classic;
  private static ServerProcess server;

  private Sessions() {}

  /** A new session of the current mode. */
  public static SparkSession open() {
    return Mode.current() == Mode.ORACLE ? classicSession() : connect(server().url());
  }

  /** A new client session on the server at {@code url}. */
  public static SparkSession connect(String url) {
    // In its own class: the JVM verifier would otherwise load the client's classes, which the
    // oracle run does not have.
    return ClientSessions.connect(url);
  }

  /**
   * A new client session on the server at {@code url} for tests that break its connections on
   * purpose: see {@link ClientSessions#connectRetryingClosedChannels}.
   */
  public static SparkSession connectRetryingClosedChannels(String url) {
    return ClientSessions.connectRetryingClosedChannels(url);
  }

  /** The shared server process (server run only), started on first use. */
  public static synchronized ServerProcess server() {
    if (server == null || !server.isAlive()) {
      try {
        server = ServerProcess.start("shared", List.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ServerProcess started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-shared-server"));
    }
    return server;
  }

  private static synchronized SparkSession classicSession() {
    if (classic == null) {
      classic = SparkSession.builder()
          .master("local[2]")
          .appName("vxconnect-oracle")
          .config("spark.api.mode", "classic")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.warehouse.dir",
              ServerProcess.home().resolve("e2e/target/oracle-warehouse").toString())
          .getOrCreate();
    }
    return classic.newSession();
  }
}
