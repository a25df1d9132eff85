package dev.vxconnect.cluster.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vxconnect.cluster.StateUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The PostgreSQL database that holds what must outlive every instance (DESIGN.md section 9):
 * vxconnect's records here, Spark's Hive metastore beside them. One small pool of connections per
 * instance. Opening it checks that the database answers, and creates vxconnect's tables once
 * (under an advisory lock, so that instances starting together do not race).
 */
public final class StateDatabase implements AutoCloseable {

  /** Serializes schema changes between instances: one session-level advisory lock. */
  public static final long SCHEMA_LOCK = 0x7678636f6e6e6563L; // "vxconnec"

  private static final int POOL_SIZE = 10;
  private static final long CONNECTION_TIMEOUT_MS = 5_000;

  private final HikariDataSource pool;
  private final JdbcSettings settings;
  private final String identity;

  private StateDatabase(HikariDataSource pool, JdbcSettings settings, String identity) {
    this.pool = pool;
    this.settings = settings;
    this.identity = identity;
  }

  /**
   * Connects, creates vxconnect's tables if they are missing, and reads the database's identity.
   *
   * @throws IllegalStateException naming the URL and user (never the password) when the database
   *     cannot be reached or refuses the credentials
   */
  public static StateDatabase open(JdbcSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("vxconnect-state");
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    config.setValidationTimeout(2_000);
    // The first connection is opened below, where a failure can name the URL and user.
    config.setInitializationFailTimeout(-1);
    // A lost network must end in an error, not a call that waits forever.
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("socketTimeout", "60");
    config.addDataSourceProperty("ApplicationName", "vxconnect");
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection connection = pool.getConnection()) {
      createTables(connection);
      return new StateDatabase(pool, settings, identityOf(connection));
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new IllegalStateException(
          "Cannot use the state database " + settings.describe() + ": " + JdbcSettings.reasons(e),
          e);
    }
  }

  private static void createTables(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
      try {
        s.execute(
            "CREATE TABLE IF NOT EXISTS vxconnect_settings ("
                + "name text PRIMARY KEY, value text NOT NULL)");
        // Keys are bytes: Hazelcast keys join ids with a NUL character, which text cannot hold.
        s.execute(
            "CREATE TABLE IF NOT EXISTS vxconnect_records ("
                + "map text NOT NULL, key bytea NOT NULL, value bytea NOT NULL,"
                + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (map, key))");
        s.execute(
            "INSERT INTO vxconnect_settings (name, value) VALUES ('database-id', '"
                + UUID.randomUUID()
                + "') ON CONFLICT (name) DO NOTHING");
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
      }
    }
  }

  private static String identityOf(Connection connection) throws SQLException {
    return read(connection, "database-id")
        .orElseThrow(() -> new SQLException("vxconnect_settings has no database-id"));
  }

  private static Optional<String> read(Connection connection, String name) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement("SELECT value FROM vxconnect_settings WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * A random id made once per database: instances of one cluster compare theirs, so that an
   * instance pointed at another database is refused instead of splitting the cluster's state.
   */
  public String identity() {
    return identity;
  }

  /**
   * Records {@code value} for {@code name} if the database has none yet, else checks it is the
   * same: every instance using this database must agree (e.g. on the warehouse).
   *
   * @throws IllegalStateException if the database holds another value
   */
  public void claim(String name, String value, String hint) {
    try (Connection connection = pool.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO vxconnect_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
      insert.setString(1, name);
      insert.setString(2, value);
      insert.executeUpdate();
      String recorded = read(connection, name).orElse(value);
      if (!recorded.equals(value)) {
        throw new IllegalStateException(
            "This instance's "
                + name
                + " is "
                + value
                + " but the state database "
                + settings.describe()
                + " records "
                + recorded
                + " for the instances that use it: "
                + hint);
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** The records of one of the cluster's maps. */
  public RecordTable records(String map) {
    return new RecordTable(this, map);
  }

  /** The pool, for the Hive metastore's schema bootstrap. */
  public DataSource dataSource() {
    return pool;
  }

  public JdbcSettings settings() {
    return settings;
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  StateUnavailableException unavailable(SQLException e) {
    return new StateUnavailableException(
        "The state database "
            + settings.describe()
            + " cannot be used now: "
            + JdbcSettings.reasons(e),
        e);
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "StateDatabase{" + settings.describe() + ", id=" + identity + "}";
  }
}
