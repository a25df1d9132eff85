package dev.vxconnect.e2e.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.e2e.support.TestJars;
import dev.vxconnect.testkit.ServerCluster;
import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * vxconnect driving a real Spark standalone cluster: a Master and two Workers, each its own JVM
 * started from Spark's classes, and two vxconnect instances in one cluster whose drivers use it
 * ({@code spark.master=spark://127.0.0.1:port}). Each instance is an application of the master
 * with one executor on each worker. Tasks, UDFs included, must run in those executor processes,
 * which have only Spark's jars: the server ships its own jar, the session ships the UDF's.
 *
 * <p>The tests share the clusters and run in order: the second kills one instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class StandaloneClusterE2ETest {

  private static final Pattern APP_ID = Pattern.compile("--app-id (\\S+)");
  private static final String EXECUTOR_FACTS =
      "select spark_partition_id() as p, executor_pid(id) as pid,"
          + " java_method('java.lang.System', 'getProperty', 'sun.java.command') as command"
          + " from range(0, 8, 1, 8)";
  private static final String GROUPED =
      "select id % 7 as k, count(*) as n, sum(id) as s"
          + " from range(0, 100000, 1, 6) group by k order by k";

  /** JVM options for short-lived test JVMs on a busy machine: start fast, JIT little. */
  private static final String QUICK_START = ServerProcess.C1_ONLY + " -XX:+UseSerialGC";

  private SparkStandaloneCluster spark;
  private ServerCluster servers;

  @BeforeAll
  void startClusters() throws Exception {
    spark = SparkStandaloneCluster.start(2, 2, "1200m");
    servers =
        ServerCluster.start(
            "standalone",
            2,
            List.of(
                "spark.master=" + spark.masterUrl(),
                "spark.driver.host=127.0.0.1",
                "spark.driver.bindAddress=127.0.0.1",
                // Two applications share the two workers: one executor of one core on each worker
                // each.
                "spark.cores.max=2",
                "spark.executor.cores=1",
                "spark.executor.memory=512m",
                "spark.sql.shuffle.partitions=4",
                "spark.executor.extraJavaOptions=" + QUICK_START,
                // Small windows (512 KiB a partition of a 2-partition window): the larger results
                // here leave part of their partitions in blocks on the executors, which the
                // driver fetches from them (issue 21, results larger than memory).
                "vxconnect.results.windowBytes=1m"),
            "-Xmx1g " + QUICK_START);
  }

  @AfterAll
  void stopClusters() {
    try {
      if (servers != null) {
        servers.close();
      }
    } finally {
      if (spark != null) {
        spark.close();
      }
    }
  }

  @Test
  @Order(1)
  void queriesAndJavaUdfsRunInTheWorkersExecutors() throws Exception {
    ServerProcess server = servers.servers().get(0);
    Path jar = TestJars.of("standalone-udfs", ExecutorPid.class);
    try (SparkSession client = Sessions.connect(server.url())) {
      client.addArtifact(jar.toString());
      client.udf().register("executor_pid", new ExecutorPid(), DataTypes.LongType);

      // The driver starts serving once both executors registered or after 30 s (Spark's
      // spark.scheduler.maxRegisteredResourcesWaitingTime): on a busy machine the second may come
      // later.
      Row[] facts = (Row[]) client.sql(EXECUTOR_FACTS).collect();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (pidsOf(facts).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        facts = (Row[]) client.sql(EXECUTOR_FACTS).collect();
      }
      assertThat(facts).hasSize(8);
      Set<Long> pids = pidsOf(facts);
      assertThat(pids)
          .as("processes the UDF ran in")
          .hasSize(2)
          .doesNotContain(server.pid())
          .isSubsetOf(spark.executorPids());
      String appId = singleAppId(facts);
      assertThat(spark.masterJson()).contains("\"id\" : \"" + appId + "\"");
      for (int worker = 0; worker < 2; worker++) {
        assertThat(spark.workerJson(worker))
            .as("worker %d runs an executor of %s", worker, appId)
            .contains("\"appid\" : \"" + appId + "\"");
      }

      // A shuffle between the executors, and results encoded there as Arrow batches by our classes.
      assertThat((Row[]) client.sql(GROUPED).collect()).containsExactly(expectedGrouped());
      Row[] many =
          (Row[])
              client.range(0, 200_000, 1, 4).selectExpr("id", "cast(id as string) as s").collect();
      assertThat(many).hasSize(200_000);
      for (int i = 0; i < many.length; i++) {
        // In order, each once: partitions' blocks fetched from the executors in their turn.
        assertThat(many[i].getLong(0)).isEqualTo(i);
        assertThat(many[i].getString(1)).isEqualTo(Long.toString(i));
      }
    }
  }

  @Test
  @Order(2)
  void aSessionGoesOnOnTheOtherInstanceWhenItsInstanceIsKilled() throws Exception {
    Path jar = TestJars.of("standalone-udfs", ExecutorPid.class);
    try (SparkSession client = Sessions.connect(servers.url())) {
      client.sql(
          "create temp view sales as select id, id % 7 as region, id * 3 as amount from range(10000)");
      client.conf().set("spark.sql.shuffle.partitions", "3");
      client.addArtifact(jar.toString());
      client.udf().register("executor_pid", new ExecutorPid(), DataTypes.LongType);
      String totals =
          "select region, sum(amount) as total from sales group by region order by region";
      Row[] before = (Row[]) client.sql(totals).collect();
      String appBefore = singleAppId((Row[]) client.sql(EXECUTOR_FACTS).collect());

      String sessionId = ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
      ServerProcess owner = servers.ownerOf(sessionId).orElseThrow();
      owner.kill();
      Thread.sleep(ServerCluster.CLIENT_SETTLE_MS);

      assertThat((Row[]) client.sql(totals).collect()).containsExactly(before);
      assertThat(client.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
      Row[] facts = (Row[]) client.sql(EXECUTOR_FACTS).collect();
      String appAfter = singleAppId(facts);
      assertThat(appAfter).as("the survivor's application").isNotEqualTo(appBefore);
      assertThat(pidsOf(facts)).isSubsetOf(spark.executorPids());
      ServerProcess survivor = servers.ownerOf(sessionId).orElseThrow();
      assertThat(survivor).isNotSameAs(owner);
      assertThat(survivor.logText()).contains("Session " + sessionId + " of user");
      // The master lets the dead driver's application go, executors included.
      spark.awaitMaster(
          "the killed instance's application to end",
          json ->
              json.contains("\"id\" : \"" + appBefore + "\"")
                  && activeApps(json).stream().noneMatch(appBefore::equals));
    }
  }

  private static Set<Long> pidsOf(Row[] facts) {
    return Arrays.stream(facts).map(r -> r.getLong(1)).collect(Collectors.toSet());
  }

  private static String singleAppId(Row[] facts) {
    Set<String> apps =
        Arrays.stream(facts)
            .map(
                r -> {
                  String command = r.getString(2);
                  assertThat(command)
                      .as("the task's JVM")
                      .contains("org.apache.spark.executor.CoarseGrainedExecutorBackend");
                  Matcher m = APP_ID.matcher(command);
                  assertThat(m.find()).as("an application id in %s", command).isTrue();
                  return m.group(1);
                })
            .collect(Collectors.toSet());
    assertThat(apps).hasSize(1);
    return apps.iterator().next();
  }

  /** The ids of the master's active applications (the "activeapps" array of its JSON). */
  private static List<String> activeApps(String masterJson) {
    int start = masterJson.indexOf("\"activeapps\"");
    int end = masterJson.indexOf("\"completedapps\"");
    if (start < 0 || end < start) {
      return List.of("?");
    }
    Matcher ids =
        Pattern.compile("\"id\" : \"(app-[^\"]+)\"").matcher(masterJson.substring(start, end));
    return ids.results().map(m -> m.group(1)).toList();
  }

  private static Row[] expectedGrouped() {
    Row[] rows = new Row[7];
    for (int k = 0; k < 7; k++) {
      long n = 0;
      long s = 0;
      for (long id = k; id < 100_000; id += 7) {
        n++;
        s += id;
      }
      rows[k] = RowFactory.create((long) k, n, s);
    }
    return rows;
  }
}
