package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.SparkServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assertions;

/**
 * Where sessions come from: in the oracle run a classic local Spark (one per JVM, a new session per
 * test); in the server run one vxconnect process per JVM and a new client session per test; in the
 * spark-server run one Apache Spark Connect server process per JVM and a new client session per
 * test.
 */
public final class Sessions {

  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(60);

  private static SparkSession classic;
  private static ServerProcess server;
  private static ServerProcess sparkServer;

  /** Servers of classes that need settings of their own, by name; each class stops its own. */
  private static final Map<String, ServerProcess> OWN_SERVERS = new HashMap<>();

  private Sessions() {}

  /** A new session of the current mode. */
  public static SparkSession open() {
    return switch (Mode.current()) {
      case ORACLE -> classicSession();
      case SPARK_SERVER -> sparkServerSession();
      case SERVER -> connect(server().url());
    };
  }

  /**
   * A new session of the current mode; in the server run, on the server with these settings (the
   * spark-server run, which only records schemas, has one server for all).
   */
  public static SparkSession open(ServerSettings settings) {
    if (Mode.current() != Mode.SERVER || settings.equals(ServerSettings.SHARED)) {
      return open();
    }
    return connect(server(settings).url());
  }

  /** The server with these settings (server run only), started on first use. */
  public static synchronized ServerProcess server(ServerSettings settings) {
    if (settings.equals(ServerSettings.SHARED)) {
      return server();
    }
    ServerProcess own = OWN_SERVERS.get(settings.name());
    if (own == null || !own.isAlive()) {
      try {
        own = ServerProcess.start(settings.name(), settings.confs());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      OWN_SERVERS.put(settings.name(), own);
      ServerProcess started = own;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-" + settings.name()));
    }
    return own;
  }

  /** Stops the server with these settings if one was started (not the shared one). */
  public static synchronized void stop(ServerSettings settings) {
    ServerProcess own = OWN_SERVERS.remove(settings.name());
    if (own != null) {
      own.close();
    }
  }

  /**
   * Closes a client session within a deadline: closing sends ReleaseSession, and a server that
   * leaves calls hanging (or a connection that can start no more streams) must fail the test, not
   * hang its JVM (JUnit's {@code @Timeout} does not cover {@code @AfterEach}).
   */
  public static void close(SparkSession session) {
    Assertions.assertTimeoutPreemptively(
        CLOSE_DEADLINE,
        session::close,
        "closing the session (ReleaseSession) got no answer within " + CLOSE_DEADLINE);
  }

  /** The id of a client session (server run only). */
  public static String sessionId(SparkSession session) {
    return ClientSessions.sessionId(session);
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

  /**
   * A client session on Apache Spark's own Connect server (spark-server run only; one server per
   * JVM, started on first use). Its local-relation limits are set to the byte counts of its own
   * values: the 4.2 client parses them as plain numbers before every createDataFrame and fails on
   * the byte strings Spark 4.1.2 answers by default ("3221225472b"; vxconnect answers byte counts,
   * see Deviations), which would leave those scenarios without a schema to compare with.
   */
  private static SparkSession sparkServerSession() {
    SparkSession session = connect(sparkServer().url());
    for (String key :
        new String[] {
          "spark.sql.session.localRelationSizeLimit",
          "spark.sql.session.localRelationChunkSizeLimit"
        }) {
      String value = session.conf().get(key);
      if (value.matches("\\d+b")) {
        session.conf().set(key, value.substring(0, value.length() - 1));
      }
    }
    return session;
  }

  private static synchronized ServerProcess sparkServer() {
    if (sparkServer == null || !sparkServer.isAlive()) {
      try {
        sparkServer = SparkServerProcess.start("spark-schemas", List.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ServerProcess started = sparkServer;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-spark-server"));
    }
    return sparkServer;
  }

  private static synchronized SparkSession classicSession() {
    if (classic == null) {
      classic =
          SparkSession.builder()
              .master("local[2]")
              .appName("vxconnect-oracle")
              .config("spark.api.mode", "classic")
              .config("spark.ui.enabled", "false")
              .config(
                  "spark.sql.warehouse.dir",
                  ServerProcess.targetDirectory().resolve("oracle-warehouse").toString())
              .getOrCreate();
    }
    return classic.newSession();
  }
}
