package dev.vxconnect.bench;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.PostgresServer;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * (g) What durable state costs (issue 16), on one PostgreSQL server started by the harness, each
 * server alone on the machine in turn:
 * <ul>
 *   <li>{@link #TODAY}: a vxconnect cluster member without a database (records in Hazelcast only,
 *       Spark's in-memory catalog), as before durable state;
 *   <li>{@link #DURABLE}: the same member with {@code vxconnect.state.jdbc.*}: records written through
 *       to PostgreSQL, Spark's Hive catalog with its metastore there;
 *   <li>{@link #SPARK_HIVE}: Apache Spark's own Connect server with the Hive catalog in the same
 *       metastore (Spark's server keeps no session records: the Config baseline).
 * </ul>
 * Measured: seconds from launch to the first answer (for the durable member, the first start,
 * which makes the metastore's schema, and a second one), then per call the latency of a Config set
 * ({@code spark.conf.set}) and of {@code CREATE TABLE} (a new table each time).
 */
final class DurableState {

  static final String TODAY = "vxconnect (no database)";
  static final String DURABLE = "vxconnect + PostgreSQL";
  static final String SPARK_HIVE = "Spark Connect + Hive metastore";
  private static final String PASSWORD = "bench-" + UUID.randomUUID();

  /** One server's figures (seconds; milliseconds for latencies). */
  record Figures(
      double firstStartSeconds,
      double startSeconds,
      double configP50,
      double configP99,
      double createP50,
      double createP99) {}

  private final Settings settings;
  private final Path work;

  DurableState(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  Map<String, Figures> run() throws Exception {
    Map<String, Figures> figures = new LinkedHashMap<>();
    try (PostgresServer postgres =
        PostgresServer.start(work.resolve("postgres"), FreePort.find(), PASSWORD)) {
      postgres.createDatabase("vxconnect");
      String url = postgres.jdbcUrl("vxconnect");
      Path warehouse = work.resolve("durable-warehouse");
      figures.put(TODAY, measure("g-today", () -> vxconnect("g-today", List.of())));
      List<String> durable =
          List.of(
              "vxconnect.state.jdbc.url=" + url,
              "vxconnect.state.jdbc.user=" + PostgresServer.USER,
              "vxconnect.state.jdbc.password=" + PASSWORD,
              "spark.sql.warehouse.dir=" + warehouse);
      figures.put(DURABLE, measure("g-durable", () -> vxconnect("g-durable", durable)));
      List<String> hive =
          List.of(
              "spark.sql.catalogImplementation=hive",
              "spark.hadoop.javax.jdo.option.ConnectionURL=" + url,
              "spark.hadoop.javax.jdo.option.ConnectionDriverName=org.postgresql.Driver",
              "spark.hadoop.javax.jdo.option.ConnectionUserName=" + PostgresServer.USER,
              "spark.hadoop.javax.jdo.option.ConnectionPassword=" + PASSWORD,
              "spark.hadoop.datanucleus.schema.autoCreateAll=false",
              "spark.hadoop.datanucleus.identifierFactory=datanucleus1",
              "spark.hadoop.datanucleus.rdbms.useLegacyNativeValueStrategy=true",
              "spark.hadoop.hive.metastore.schema.verification=true",
              "spark.sql.warehouse.dir=" + warehouse);
      // After the durable member: the metastore's schema is made by then.
      figures.put(
          SPARK_HIVE,
          measure("g-spark-hive", () -> Server.startSpark(settings, work, "g-spark-hive", hive)));
    }
    return figures;
  }

  private interface Start {
    ServerProcess start() throws Exception;
  }

  /** A cluster member of its own (as a deployment runs), with these extra settings. */
  private ServerProcess vxconnect(String name, List<String> confs) throws Exception {
    int clusterPort = FreePort.find();
    List<String> all =
        new ArrayList<>(
            List.of(
                "vxconnect.cluster.enabled=true",
                "vxconnect.cluster.name="
                    + name
                    + "-"
                    + UUID.randomUUID().toString().substring(0, 8),
                "vxconnect.cluster.secret=" + UUID.randomUUID(),
                "vxconnect.cluster.port=" + clusterPort,
                "vxconnect.cluster.members=127.0.0.1:" + clusterPort));
    all.addAll(confs);
    return Server.startVxconnect(settings, work, name, FreePort.find(), all, settings.serverHeap());
  }

  private Figures measure(String name, Start start) throws Exception {
    Bench.log("bench: (g) " + name);
    long launched = System.nanoTime();
    ServerProcess first = start.start();
    double firstStart;
    try {
      Workloads.firstAnswer(first.url());
      firstStart = (System.nanoTime() - launched) / 1e9;
    } finally {
      first.close();
    }
    launched = System.nanoTime();
    try (ServerProcess server = start.start()) {
      Workloads.firstAnswer(server.url());
      double startSeconds = (System.nanoTime() - launched) / 1e9;
      Workloads.warmUp(server.url());
      try (SparkSession spark = Workloads.connect(server.url())) {
        for (int i = 0; i < settings.stateWarmup(); i++) {
          spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(1 + i % 200));
          spark.sql("create table " + name.replace('-', '_') + "_warm_" + i + " (x int)");
        }
        long[] config = new long[settings.stateCalls()];
        for (int i = 0; i < config.length; i++) {
          long t = System.nanoTime();
          spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(1 + i % 200));
          config[i] = (System.nanoTime() - t) / 1000;
        }
        long[] create = new long[settings.stateTables()];
        for (int i = 0; i < create.length; i++) {
          long t = System.nanoTime();
          spark.sql("create table " + name.replace('-', '_') + "_" + i + " (x int)");
          create[i] = (System.nanoTime() - t) / 1000;
        }
        Arrays.sort(config);
        Arrays.sort(create);
        return new Figures(
            firstStart,
            startSeconds,
            Workloads.percentile(config, 50) / 1000.0,
            Workloads.percentile(config, 99) / 1000.0,
            Workloads.percentile(create, 50) / 1000.0,
            Workloads.percentile(create, 99) / 1000.0);
      }
    }
  }
}
