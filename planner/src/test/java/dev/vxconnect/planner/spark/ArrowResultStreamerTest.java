package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.ResponseSink;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.TempLocalBlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.runtime.AbstractFunction1;

/**
 * Partitions larger than their share of the window, on a local Spark: their batches beyond it
 * come from blocks on the executor's disk, and the responses are the very ones an all-inline
 * stream sends, in the same order; no block is left once the stream ends, completed or not. And a
 * result already on the driver, cancelled midway, frees its Arrow memory.
 */
class ArrowResultStreamerTest {

  /** About 7 MB of Arrow data in 2 partitions, in batches of 1,000 rows (about 110 KB). */
  private static final String QUERY = "select id, repeat('x', 100) as s from range(0, 60000, 1, 2)";

  /** 512 KiB inline per partition of a 2-partition window; blocks of 1 MiB (the smallest). */
  private static final long SMALL_WINDOW = 1L << 20;

  private static SparkSession spark;
  private static SessionHolder session;

  @BeforeAll
  static void startSpark() {
    spark =
        LocalSpark.builder("streamer")
            .master("local[2]")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
            .getOrCreate();
    session = new SessionHolder("user", UUID.randomUUID().toString(), spark.newSession());
    session.initializeSession();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void partitionsBeyondTheirShareComeFromBlocksAsTheSameResponsesInOrder() throws Exception {
    Collected inline = stream(1L << 30, Cancellation.NEVER);
    Collected spilled = stream(SMALL_WINDOW, Cancellation.NEVER);

    assertThat(inline.batches).hasSizeGreaterThan(20);
    assertThat(spilled.batches).hasSameSizeAs(inline.batches);
    long rows = 0;
    for (int i = 0; i < inline.batches.size(); i++) {
      ExecutePlanResponse.ArrowBatch expected = inline.batches.get(i);
      ExecutePlanResponse.ArrowBatch actual = spilled.batches.get(i);
      assertThat(actual.getStartOffset()).isEqualTo(expected.getStartOffset()).isEqualTo(rows);
      assertThat(actual.getRowCount()).isEqualTo(expected.getRowCount());
      assertThat(actual.getData()).as("batch %d", i).isEqualTo(expected.getData());
      rows += actual.getRowCount();
    }
    assertThat(rows).isEqualTo(60_000);
    assertThat(spilled.peakHeld.get())
        .as("bytes held on the driver at once: two partitions' shares and one block")
        .isLessThanOrEqualTo(SMALL_WINDOW + (1L << 20) + (256L << 10));
    assertThat(spilled.held.get()).as("held once sent").isZero();
    assertThat(blocksLeft()).as("result blocks left after a completed stream").isZero();
  }

  @Test
  void anInterruptedStreamLeavesNoBlocks() throws Exception {
    AtomicLong sent = new AtomicLong();
    Cancellation afterTenBatches = () -> sent.get() >= 10;
    List<ExecutePlanResponse.ArrowBatch> seen = new ArrayList<>();
    ResponseSink sink =
        response -> {
          seen.add(response.getArrowBatch());
          sent.incrementAndGet();
        };

    assertThatThrownBy(() -> streamer(SMALL_WINDOW, sink, afterTenBatches).stream(dataset()))
        .isInstanceOf(CancellationException.class);
    assertThat(seen).hasSize(10);
    assertThat(blocksLeft()).as("result blocks left after an interrupted stream").isZero();
  }

  @Test
  void anInterruptedStreamReturnsOnlyOnceItsJobHasEnded() {
    // One row a partition, 200 ms each: the second window's job (partitions 2 to 7, submitted
    // while the first window is sent) still runs when the stream is interrupted.
    Dataset<Row> slow =
        session
            .session()
            .sql(
                "select id, reflect('java.lang.Thread', 'sleep', cast(200 as bigint)) as s"
                    + " from range(0, 8, 1, 8)");
    AtomicLong sent = new AtomicLong();
    Cancellation afterOneBatch = () -> sent.get() >= 1;
    ResponseSink sink = response -> sent.incrementAndGet();

    assertThatThrownBy(() -> streamer(1L << 30, sink, afterOneBatch).stream(slow))
        .isInstanceOf(CancellationException.class);
    // Spark's scheduler forgets a job when it has ended it; the cancel alone is a message to it.
    assertThat(spark.sparkContext().dagScheduler().activeJobs().isEmpty())
        .as("a job of the stream still active in Spark's scheduler when the stream returned")
        .isTrue();
  }

  @Test
  void aLocalResultCancelledMidwayFreesItsArrowMemory() throws Exception {
    // Rows already on the driver (a LocalTableScanExec): encoded there, with no task to end.
    Dataset<Row> local =
        session
            .session()
            .createDataFrame(Arrays.asList((Row[]) dataset().collect()), dataset().schema());
    long before = ArrowUtils.rootAllocator().getAllocatedMemory();
    AtomicLong sent = new AtomicLong();
    Cancellation afterTwoBatches = () -> sent.get() >= 2;
    ResponseSink sink = response -> sent.incrementAndGet();

    assertThatThrownBy(() -> streamer(SMALL_WINDOW, sink, afterTwoBatches).stream(local))
        .isInstanceOf(CancellationException.class);
    assertThat(sent.get()).isEqualTo(2);
    assertThat(ArrowUtils.rootAllocator().getAllocatedMemory())
        .as("Arrow memory held after the cancelled local result")
        .isEqualTo(before);
  }

  private record Collected(
      List<ExecutePlanResponse.ArrowBatch> batches, AtomicLong held, AtomicLong peakHeld) {}

  private static Collected stream(long windowBytes, Cancellation cancellation) {
    List<ExecutePlanResponse.ArrowBatch> batches = new ArrayList<>();
    AtomicLong held = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    ResponseSink sink =
        new ResponseSink() {
          @Override
          public void send(ExecutePlanResponse response) {
            batches.add(response.getArrowBatch());
          }

          @Override
          public void holding(long deltaBytes) {
            peak.accumulateAndGet(held.addAndGet(deltaBytes), Math::max);
          }
        };
    streamer(windowBytes, sink, cancellation).stream(dataset());
    return new Collected(batches, held, peak);
  }

  private static ArrowResultStreamer streamer(
      long windowBytes, ResponseSink sink, Cancellation cancellation) {
    ExecuteHolder holder = ConnectOperations.query(session, QUERY);
    holder.eventsManager().postStarted();
    return new ArrowResultStreamer(
        holder, new ArrowBatchSender(sink, 0), new FetchedBytes(sink), cancellation, windowBytes);
  }

  private static Dataset<Row> dataset() {
    return session.session().sql(QUERY);
  }

  /** Result blocks the master still knows, once removals in flight have landed (10 s at most). */
  private static int blocksLeft() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int left = countResultBlocks();
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = countResultBlocks();
    }
    return left;
  }

  private static int countResultBlocks() {
    return SparkEnv.get()
        .blockManager()
        .master()
        .getMatchingBlockIds(new ResultBlock(), false)
        .size();
  }

  private static final class ResultBlock extends AbstractFunction1<BlockId, Object>
      implements Serializable {
    @Override
    public Object apply(BlockId id) {
      return id instanceof TempLocalBlockId;
    }
  }
}
