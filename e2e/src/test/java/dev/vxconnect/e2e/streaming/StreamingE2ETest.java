package dev.vxconnect.e2e.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.RateStreams;
import dev.vxconnect.e2e.support.TestJars;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * Structured Streaming through the server: a rate source into a memory sink started, inspected and
 * stopped; foreachBatch with a JVM function of the test program. The rate source is driven by the
 * clock, so only facts that do not depend on timing are compared.
 */
class StreamingE2ETest extends E2ETestBase {

  private static void awaitRows(SparkSession s, String table) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (s.catalog().tableExists(table)) {
        // Another session (the query's) appends to it: drop this session's cached file listing.
        s.catalog().refreshTable(table);
        if (s.table(table).count() > 0) {
          return;
        }
      }
      Thread.sleep(200);
    }
    boolean exists = s.catalog().tableExists(table);
    throw new AssertionError(
        "no rows reached "
            + table
            + " within 60 s (table exists: "
            + exists
            + (exists ? ", rows: " + s.table(table).count() : "")
            + ")");
  }

  @Test
  void rateSourceIntoMemorySink() throws Exception {
    StreamingQuery query = RateStreams.rate(spark, 50).format("memory").queryName("rates").start();
    checkValue(s -> query.isActive());
    checkValue(s -> query.name());
    checkValue(s -> s.streams().active().length);
    awaitRows(spark, "rates");
    query.processAllAvailable();
    assertThat(query.lastProgress()).as("a progress report after the first batches").isNotNull();
    checkValue(s -> query.lastProgress().name());
    check(s -> s.sql("select min(value) as first, count(*) > 0 as some_rows from rates"));
    check(
        s ->
            s.table("rates").selectExpr("typeof(timestamp) as t", "typeof(value) as v").distinct());
    assertThat(query.status().message()).as("the running query's status").isNotEmpty();
    query.stop();
    checkValue(s -> query.isActive());
    checkValue(s -> s.streams().active().length);
    checkValue(s -> query.status().message());
  }

  @Test
  void foreachBatchWithAJvmFunction() throws Exception {
    if (!isOracle()) {
      spark.addArtifact(TestJars.of("foreach-batch", BatchToTable.class).toString());
    }
    String table = "fb_" + UUID.randomUUID().toString().replace('-', '_');
    StreamingQuery query =
        RateStreams.rate(spark, 50).foreachBatch(new BatchToTable(table)).start();
    awaitRows(spark, table);
    query.stop();
    spark.catalog().refreshTable(table);
    check(s -> s.sql("select min(value) as first, count(*) > 0 as some_rows from " + table));
    checkValue(s -> query.isActive());
  }
}
