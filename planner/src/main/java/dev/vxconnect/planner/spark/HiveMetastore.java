package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.MetastoreDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.classic.SparkSession;
import org.datanucleus.StoreNucleusContext;
import org.datanucleus.metadata.FileMetaData;
import org.datanucleus.metadata.PackageMetaData;
import org.datanucleus.store.schema.SchemaAwareStoreManager;
import org.datanucleus.store.schema.SchemaTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark's Hive catalog with its metastore in the state database: one catalog for every instance
 * that uses the database (DESIGN.md section 9). The metastore's schema is made once, before any
 * instance uses it, by DataNucleus's SchemaTool from Hive's own mapping (package.jdo), under a
 * PostgreSQL advisory lock so that instances starting together make it once. DataNucleus must
 * never make it on first use: on PostgreSQL that deadlocks against its own connections.
 */
final class HiveMetastore {

  private static final Logger LOG = LoggerFactory.getLogger(HiveMetastore.class);

  /** The schema version Spark's built-in Hive 2.3.x client checks for. */
  static final String SCHEMA_VERSION = "2.3.0";

  /** One advisory lock for the metastore's schema and default database, distinct from vxconnect's tables'. */
  private static final long LOCK = 0x766d657461737472L; // "vmetastr"

  private static final String CATALOG_IMPLEMENTATION = "spark.sql.catalogImplementation";
  private static final String JDO = "spark.hadoop.javax.jdo.option.";

  private final MetastoreDatabase database;

  private HiveMetastore(MetastoreDatabase database) {
    this.database = database;
  }

  /**
   * Points Spark's catalog at the database, unless the user chose the catalog or the metastore's
   * connection explicitly (Spark's keys keep their meaning).
   *
   * @return the metastore to prepare before Spark uses it, if this configured one
   */
  static Optional<HiveMetastore> configure(SparkConf conf, MetastoreDatabase database) {
    if (conf.contains(CATALOG_IMPLEMENTATION) || conf.contains(JDO + "ConnectionURL")) {
      LOG.info(
          "Catalog: as configured ({}={}); the state database holds vxconnect's records only",
          CATALOG_IMPLEMENTATION,
          conf.get(CATALOG_IMPLEMENTATION, "in-memory"));
      return Optional.empty();
    }
    conf.set(CATALOG_IMPLEMENTATION, "hive");
    conf.set(JDO + "ConnectionURL", database.url());
    conf.set(JDO + "ConnectionDriverName", "org.postgresql.Driver");
    conf.set(JDO + "ConnectionUserName", database.user());
    conf.set(JDO + "ConnectionPassword", database.password());
    for (Map.Entry<String, String> setting : dataNucleusSettings().entrySet()) {
      conf.setIfMissing("spark.hadoop." + setting.getKey(), setting.getValue());
    }
    conf.setIfMissing("spark.hadoop.hive.metastore.schema.verification", "true");
    return Optional.of(new HiveMetastore(database));
  }

  /** What the schema is made with and used with: the same identifiers and value strategy as Hive's. */
  private static Map<String, String> dataNucleusSettings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("datanucleus.schema.autoCreateAll", "false");
    settings.put("datanucleus.identifierFactory", "datanucleus1");
    settings.put("datanucleus.rdbms.useLegacyNativeValueStrategy", "true");
    return settings;
  }

  /**
   * Makes the schema if the database has none, then opens the catalog (which creates the default
   * database if it is missing), holding the lock while either is made. Blocks for seconds.
   */
  void prepare(SparkSession spark) {
    long start = System.nanoTime();
    try (Connection connection =
            DriverManager.getConnection(database.url(), database.user(), database.password());
        Statement s = connection.createStatement()) {
      // A peer that holds the lock and hangs must end in an error here, not in a start that never
      // ends.
      s.execute("SET lock_timeout = '300s'");
      s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      try {
        if (!exists(s, "SELECT to_regclass('\"VERSION\"') IS NOT NULL")) {
          createSchema(s);
        }
        if (!exists(s, "SELECT EXISTS (SELECT 1 FROM \"DBS\" WHERE \"NAME\" = 'default')")) {
          spark.sharedState().externalCatalog();
        }
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot prepare the Hive metastore in "
              + database.url()
              + " (user "
              + database.user()
              + "): "
              + e.getMessage(),
          e);
    }
    // Opened here rather than by the first query that needs it (the Hive client takes seconds).
    spark.sharedState().externalCatalog();
    LOG.info(
        "Catalog: Hive metastore in {} (user {}), ready in {} ms",
        database.url(),
        database.user(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private static boolean exists(Statement s, String query) throws SQLException {
    try (ResultSet row = s.executeQuery(query)) {
      return row.next() && row.getBoolean(1);
    }
  }

  private void createSchema(Statement s) throws SQLException {
    long start = System.nanoTime();
    Map<String, Object> properties = new HashMap<>(dataNucleusSettings());
    properties.put("javax.jdo.option.ConnectionURL", database.url());
    properties.put("javax.jdo.option.ConnectionDriverName", "org.postgresql.Driver");
    properties.put("javax.jdo.option.ConnectionUserName", database.user());
    properties.put("javax.jdo.option.ConnectionPassword", database.password());
    StoreNucleusContext context =
        SchemaTool.getNucleusContextForMode(
            SchemaTool.Mode.CREATE, "JDO", properties, null, null, false);
    try {
      Set<String> classes = new TreeSet<>();
      for (FileMetaData file :
          context
              .getMetaDataManager()
              .loadMetadataFiles(
                  new String[] {"package.jdo"}, HiveMetastore.class.getClassLoader())) {
        for (int p = 0; p < file.getNoOfPackages(); p++) {
          PackageMetaData pkg = file.getPackage(p);
          for (int c = 0; c < pkg.getNoOfClasses(); c++) {
            classes.add(pkg.getClass(c).getFullClassName());
          }
        }
      }
      new SchemaTool()
          .createSchemaForClasses((SchemaAwareStoreManager) context.getStoreManager(), classes);
    } finally {
      context.close();
    }
    // SchemaTool leaves out the table of DataNucleus's id generator (made lazily otherwise: a race
    // between instances) and the version row that Hive checks before it uses the schema.
    s.execute(
        "CREATE TABLE IF NOT EXISTS \"SEQUENCE_TABLE\" (\"SEQUENCE_NAME\" varchar(255) NOT NULL PRIMARY KEY,"
            + " \"NEXT_VAL\" bigint NOT NULL)");
    s.execute(
        "INSERT INTO \"VERSION\" (\"VER_ID\", \"SCHEMA_VERSION\", \"VERSION_COMMENT\") VALUES (1, '"
            + SCHEMA_VERSION
            + "', 'Hive release version "
            + SCHEMA_VERSION
            + ", made by vxconnect')");
    LOG.info(
        "Catalog: made the Hive metastore schema in {} ms (the database now has {} tables)",
        (System.nanoTime() - start) / 1_000_000,
        tableCount(s));
  }

  private static long tableCount(Statement s) throws SQLException {
    try (ResultSet row =
        s.executeQuery(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")) {
      return row.next() ? row.getLong(1) : 0;
    }
  }
}
