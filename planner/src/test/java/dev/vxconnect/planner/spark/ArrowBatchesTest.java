package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.arrow.ArrowConverters;
import org.apache.spark.sql.execution.arrow.ArrowConverters$;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.util.SizeEstimator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Our encoder against Spark's ({@code ArrowConverters.toBatchWithSchemaIterator}) on the same rows:
 * the same batches, cut after the same rows, with the same bytes, for the types a result can hold,
 * nulls, nesting, and both limits; and chunks no larger than {@link ArrowBytes#CHUNK_BYTES}. Also a
 * pin on Spark: an upgrade that changes how Spark encodes results fails here.
 */
class ArrowBatchesTest {

  /** Not UTC, and with a daylight-saving change inside the timestamps below. */
  private static final String TIME_ZONE = "America/Los_Angeles";

  private static final String NUMBERS =
      "select cast(id % 100 as tinyint) b, cast(id as smallint) s, cast(id as int) i, id * 1000003 l,"
          + " cast(id as float) / 3 f, id / 7d d, id % 2 = 0 flag from range(0, 300)";

  /** Short strings and long ones (up to 12 KiB), non-ASCII included. */
  private static final String STRINGS =
      "select cast(id as string) short, repeat(concat('é-', cast(id as string)), cast(id % 60 as"
          + " int) * 40) long from range(0, 200)";

  private static final Object[][] QUERIES = {
    {"numbers", NUMBERS},
    {"strings", STRINGS},
    {
      "binary",
      "select cast(repeat(hex(id), cast(id % 20 as int)) as binary) b, unhex('') empty"
          + " from range(0, 200)"
    },
    {
      "decimals",
      "select cast(id / 3 as decimal(10, 2)) small, cast(id * 1234567.891 as decimal(38, 18))"
          + " large, cast(-id as decimal(5, 0)) negative from range(0, 200)"
    },
    {
      "dates and timestamps",
      "select date_add(date'2024-02-27', cast(id as int)) d,"
          + " timestamp'2024-03-10 00:30:00' + make_dt_interval(0, cast(id as int), 7, 0.123456)"
          + " ts, timestamp_ntz'2024-03-10 00:30:00' + make_dt_interval(0, cast(id as int))"
          + " ntz from range(0, 200)"
    },
    {
      "intervals",
      "select make_dt_interval(id, 1, 2, 3.5) day_time, make_ym_interval(cast(id as int), 1)"
          + " year_month from range(0, 100)"
    },
    {
      "nulls everywhere",
      "select if(n, null, cast(id as int)) i, if(n, null, id) l, if(n, null, id / 3d) d,"
          + " if(n, null, id % 2 = 0) flag, if(n, null, cast(id as string)) s,"
          + " if(n, null, cast(hex(id) as binary)) b, if(n, null, cast(id as decimal(12, 3))) dec,"
          + " if(n, null, date_add(date'2024-01-01', cast(id as int))) dt,"
          + " if(n, null, timestamp'2024-01-01 12:00:00') ts,"
          + " if(n, null, named_struct('a', if(id % 2 = 0, null, id), 'b', cast(null as string)))"
          + " st, if(n, null, array(id, null)) arr, if(n, null, map('k', if(id % 2 = 0, null,"
          + " id))) m, cast(null as string) always_null"
          + " from (select id, id % 3 = 0 n from range(0, 120))"
    },
    {
      "nested",
      "select named_struct('a', id, 'b', cast(id as string), 'c', array(id, null, id + 1)) st,"
          + " array(named_struct('x', id, 'y', array(cast(id as string))), null) structs,"
          + " map(cast(id as string), array(id), 'k', null) m,"
          + " array(array(id), array(), null) arrays,"
          + " map(id, named_struct('v', map('deep', id))) deep from range(0, 150)"
    },
    {"duplicate names", "select id a, id + 1 a from range(0, 10)"},
    {"one row", "select 1 one, 'x' s, cast(null as int) nothing"},
    {"no rows", "select id, cast(id as string) s from range(0)"},
  };

  /** {maxRecordsPerBatch, maxBatchBytes}: none, each alone, both (0 or less is no limit). */
  private static final long[][] LIMITS = {{0, 0}, {64, 0}, {0, 8 << 10}, {-1, -1}, {50, 4 << 10}};

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        LocalSpark.builder("arrow-batches")
            .master("local[2]")
            .config("spark.sql.session.timeZone", TIME_ZONE)
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Both encoders read the SQL conf (the compression codec) of the thread's active session. */
  @BeforeEach
  void activate() {
    SparkSession.setActiveSession(spark);
  }

  @AfterEach
  void resetCodec() {
    spark.conf().unset("spark.sql.execution.arrow.compression.codec");
  }

  static Stream<Arguments> queriesLimitsAndVarTypes() {
    List<Arguments> all = new ArrayList<>();
    for (Object[] query : QUERIES) {
      for (long[] limits : LIMITS) {
        for (boolean large : new boolean[] {false, true}) {
          all.add(Arguments.of(query[0], query[1], limits[0], limits[1], large));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, maxRecords {2}, maxBytes {3}, largeVarTypes {4}")
  @MethodSource("queriesLimitsAndVarTypes")
  void sameBatchesAsSpark(
      String name, String query, long maxRecords, long maxBytes, boolean largeVarTypes) {
    Dataset<?> rows = spark.sql(query);

    assertSameBatches(rows, maxRecords, maxBytes, largeVarTypes);
  }

  @Test
  void theRecordLimitCutsBatchesWhereSparksDoes() {
    List<Encoded> ours = assertSameBatches(spark.sql(NUMBERS), 7, 0, false);

    assertThat(ours).hasSize(43); // 300 rows: 42 of 7, then 6
    assertThat(ours.get(42).rows()).isEqualTo(6);
  }

  @Test
  void theByteLimitCutsBatchesWhereSparksDoes() {
    // 10,000 rows of 1 KiB and batches of about 1 MiB: about ten, each of several chunks.
    Dataset<?> rows = spark.sql("select id, repeat('x', 1024) s from range(0, 10000, 1, 1)");

    List<Encoded> ours = assertSameBatches(rows, 10_000, 1 << 20, false);

    assertThat(ours).hasSizeBetween(9, 12);
    assertThat(ours.get(0).chunks()).isGreaterThan(4);
    assertThat(ours.stream().mapToLong(Encoded::rows).sum()).isEqualTo(10_000);
  }

  @Test
  void rowsThatAreNotUnsafeRowsAreEstimatedAsSparkDoes() {
    // 16 bytes a field for rows Spark did not make (112 a row here), on top of the schema's size.
    Dataset<?> dataset = spark.sql(NUMBERS);
    StructType schema = dataset.schema();
    InternalRow[] generic =
        Arrays.stream(collect(dataset))
            .map(row -> InternalRow.fromSeq(row.toSeq(schema)))
            .toArray(InternalRow[]::new);
    long limit =
        SizeEstimator.estimate(ArrowUtils.toArrowSchema(schema, TIME_ZONE, false, false)) + 5000;

    List<Encoded> expected = spark(generic, schema, 0, limit, false);
    List<Encoded> ours = ours(generic, schema, 0, limit, false);

    assertSame(ours, expected);
    assertThat(ours.get(0).rows()).isEqualTo(45); // 5000 / 112, rounded up
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4", "zstd"})
  void compressedAsSparkCompresses(String codec) {
    spark.conf().set("spark.sql.execution.arrow.compression.codec", codec);

    List<Encoded> ours = assertSameBatches(spark.sql(STRINGS), 64, 0, false);

    spark.conf().unset("spark.sql.execution.arrow.compression.codec");
    List<Encoded> plain =
        ours(collect(spark.sql(STRINGS)), spark.sql(STRINGS).schema(), 64, 0, false);
    assertThat(ours.get(3).bytes()).as("compressed").isNotEqualTo(plain.get(3).bytes());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anEmptyBatchIsSparks(boolean largeVarTypes) {
    for (Object[] query : QUERIES) {
      StructType schema = spark.sql((String) query[1]).schema();
      ArrowBatchEncoder encoder =
          new ArrowBatchEncoder(schema, 100, 1000, TIME_ZONE, largeVarTypes);

      ArrowBatch ours = encoder.empty();

      byte[] expected =
          ArrowConverters$.MODULE$.createEmptyArrowBatch(schema, TIME_ZONE, false, largeVarTypes);
      assertThat(Chunks.join(ours.data())).as((String) query[0]).isEqualTo(expected);
      assertThat(ours.rowCount()).isZero();
    }
  }

  @Test
  void inTasksOnExecutorsAsOnTheDriver() {
    // The encoders run in tasks in the server, with a task context and the SQL conf of the query.
    Dataset<?> dataset = spark.sql(STRINGS.replace("range(0, 200)", "range(0, 2000, 1, 3)"));
    StructType schema = dataset.schema();

    List<Integer> differences =
        dataset
            .queryExecution()
            .executedPlan()
            .execute()
            .toJavaRDD()
            .mapPartitions(new CompareInTask(schema))
            .collect();

    assertThat(differences).containsExactly(0, 0, 0);
  }

  @Test
  void aDifferenceOfOneByteIsSeen() {
    // The comparison itself must be able to fail.
    Dataset<?> dataset = spark.sql(NUMBERS);
    List<Encoded> expected = spark(collect(dataset), dataset.schema(), 64, 0, false);
    List<Encoded> ours = ours(collect(dataset), dataset.schema(), 64, 0, false);
    byte[] changed = ours.get(2).bytes().clone();
    changed[changed.length / 2] ^= 1;
    ours.set(2, new Encoded(ours.get(2).rows(), changed, 1));

    assertThatThrownBy(() -> assertSame(ours, expected)).isInstanceOf(AssertionError.class);
  }

  /** One batch: its rows, its bytes, and how many chunks ours came in. */
  private record Encoded(long rows, byte[] bytes, int chunks) {}

  private static List<Encoded> assertSameBatches(
      Dataset<?> dataset, long maxRecords, long maxBytes, boolean largeVarTypes) {
    InternalRow[] rows = collect(dataset);
    StructType schema = dataset.schema();

    List<Encoded> expected = spark(rows, schema, maxRecords, maxBytes, largeVarTypes);
    List<Encoded> ours = ours(rows, schema, maxRecords, maxBytes, largeVarTypes);

    assertSame(ours, expected);
    return ours;
  }

  private static void assertSame(List<Encoded> ours, List<Encoded> expected) {
    assertThat(ours).as("batches").hasSameSizeAs(expected);
    for (int i = 0; i < ours.size(); i++) {
      assertThat(ours.get(i).rows()).as("rows of batch %d", i).isEqualTo(expected.get(i).rows());
      assertThat(ours.get(i).bytes()).as("bytes of batch %d", i).isEqualTo(expected.get(i).bytes());
    }
  }

  private static InternalRow[] collect(Dataset<?> dataset) {
    return (InternalRow[]) dataset.queryExecution().executedPlan().executeCollect();
  }

  private static List<Encoded> spark(
      InternalRow[] rows,
      StructType schema,
      long maxRecords,
      long maxBytes,
      boolean largeVarTypes) {
    ArrowConverters.ArrowBatchWithSchemaIterator batches =
        ArrowConverters$.MODULE$.toBatchWithSchemaIterator(
            iterator(rows), schema, maxRecords, maxBytes, TIME_ZONE, false, largeVarTypes);
    List<Encoded> all = new ArrayList<>();
    while (batches.hasNext()) {
      byte[] bytes = batches.next();
      all.add(new Encoded(batches.rowCountInLastBatch(), bytes, 1));
    }
    return all;
  }

  private static List<Encoded> ours(
      InternalRow[] rows,
      StructType schema,
      long maxRecords,
      long maxBytes,
      boolean largeVarTypes) {
    java.util.Iterator<ArrowBatch> batches =
        new ArrowBatchEncoder(schema, maxRecords, maxBytes, TIME_ZONE, largeVarTypes)
            .batches(iterator(rows));
    List<Encoded> all = new ArrayList<>();
    while (batches.hasNext()) {
      ArrowBatch batch = batches.next();
      for (byte[] chunk : batch.data().chunks()) {
        assertThat(chunk.length).isBetween(1, ArrowBytes.CHUNK_BYTES);
      }
      all.add(
          new Encoded(batch.rowCount(), Chunks.join(batch.data()), batch.data().chunks().size()));
    }
    return all;
  }

  private static scala.collection.Iterator<InternalRow> iterator(InternalRow[] rows) {
    return CollectionConverters.asScala(Arrays.asList(rows).iterator());
  }

  /**
   * Encodes a partition both ways inside its task and answers how many batches differ (or -1 when
   * their counts do). The task's rows are reused buffers: copied, so that both encoders see them.
   */
  private static final class CompareInTask
      implements FlatMapFunction<java.util.Iterator<InternalRow>, Integer>, Serializable {
    private static final long serialVersionUID = 1L;
    private final StructType schema;

    CompareInTask(StructType schema) {
      this.schema = schema;
    }

    @Override
    public java.util.Iterator<Integer> call(java.util.Iterator<InternalRow> partition) {
      List<InternalRow> copies = new ArrayList<>();
      partition.forEachRemaining(row -> copies.add(row.copy()));
      InternalRow[] rows = copies.toArray(new InternalRow[0]);
      List<Encoded> expected = spark(rows, schema, 100, 16 << 10, false);
      List<Encoded> ours = ours(rows, schema, 100, 16 << 10, false);
      if (ours.size() != expected.size() || expected.size() < 2) {
        return List.of(-1).iterator();
      }
      int differing = 0;
      for (int i = 0; i < ours.size(); i++) {
        if (ours.get(i).rows() != expected.get(i).rows()
            || !Arrays.equals(ours.get(i).bytes(), expected.get(i).bytes())) {
          differing++;
        }
      }
      return List.of(differing).iterator();
    }
  }
}
