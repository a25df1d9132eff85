package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Interrupts;
import dev.vxconnect.e2e.support.ServerTestBase;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Interrupts from the official client: all operations of a session, those with a tag, one by id.
 * The query sleeps for a minute in its task; an interrupt must end it long before that.
 */
class InterruptE2ETest extends ServerTestBase {

  // Each test builds its Dataset (the client sends spark.sql's command then) before the query
  // starts in the background: an interrupt must find the query, not that command, so that the
  // requests the scenario sends are the same on every run (docs/protocol-coverage.md).

  private static final String SLOW =
      "select java_method('java.lang.Thread', 'sleep', 60000L) as slept from range(1)";
  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void stopBackground() {
    background.shutdownNow();
  }

  private static void assertCanceled(Future<?> query) throws InterruptedException {
    Throwable failure;
    try {
      query.get(30, TimeUnit.SECONDS);
      throw new AssertionError("the interrupted query completed");
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the interrupted query was still running 30 s later");
    }
    assertThat(failure.getMessage()).contains("OPERATION_CANCELED");
  }

  @Test
  void interruptAll() throws Exception {
    Dataset<Row> slow = spark.sql(SLOW);
    Future<Row[]> query = background.submit(() -> (Row[]) slow.collect());
    List<String> interrupted = Interrupts.whenRunning(spark::interruptAll);
    assertThat(interrupted).hasSize(1);
    assertCanceled(query);
  }

  @Test
  void interruptTag() throws Exception {
    Dataset<Row> slow = spark.sql(SLOW);
    Future<Row[]> tagged =
        background.submit(
            () -> {
              spark.addTag("slow-one"); // tags belong to the thread that sends the query
              return (Row[]) slow.collect();
            });
    Future<Long> untagged = background.submit(() -> spark.range(1000).count());
    List<String> interrupted = Interrupts.whenRunning(() -> spark.interruptTag("slow-one"));
    assertThat(interrupted).hasSize(1);
    assertCanceled(tagged);
    assertThat(untagged.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void interruptOperation() throws Exception {
    var client = (SparkSession) spark;
    var result = ((org.apache.spark.sql.connect.Dataset<Row>) client.sql(SLOW)).collectResult();
    // The result is not thread-safe: learn its id before another thread reads it.
    String operationId = result.operationId();
    Future<Object> query = background.submit(() -> result.toArray());
    List<String> interrupted = Interrupts.whenRunning(() -> client.interruptOperation(operationId));
    assertThat(interrupted).containsExactly(operationId);
    assertCanceled(query);
  }

  @Test
  void theSessionWorksAfterAnInterrupt() throws Exception {
    Dataset<Row> slow = spark.sql(SLOW);
    Future<Row[]> query = background.submit(() -> (Row[]) slow.collect());
    Interrupts.whenRunning(spark::interruptAll);
    assertCanceled(query);
    assertThat(spark.range(10).count()).isEqualTo(10);
  }
}
