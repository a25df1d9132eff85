package dev.vxconnect.e2e.types;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.YearMonthIntervalType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * DataFrames created from Java rows on the client side: the client encodes them as Arrow and
 * sends them inline (small) or as a cached-local-relation artifact (large), the server decodes them.
 */
class CreateDataFrameE2ETest extends E2ETestBase {

  private static final StructType ALL_TYPES =
      new StructType()
          .add("b", DataTypes.BooleanType)
          .add("y", DataTypes.ByteType)
          .add("sh", DataTypes.ShortType)
          .add("i", DataTypes.IntegerType, false)
          .add("l", DataTypes.LongType)
          .add("f", DataTypes.FloatType)
          .add("d", DataTypes.DoubleType)
          .add("dec", DataTypes.createDecimalType(38, 18))
          .add("dec2", DataTypes.createDecimalType(7, 2))
          .add("s", DataTypes.StringType)
          .add("bin", DataTypes.BinaryType)
          .add("dt", DataTypes.DateType)
          .add("ts", DataTypes.TimestampType)
          .add("ntz", DataTypes.TimestampNTZType)
          .add("dti", DayTimeIntervalType.apply())
          .add("ymi", YearMonthIntervalType.apply())
          .add("arr", DataTypes.createArrayType(DataTypes.IntegerType, true))
          .add("nested", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.StringType)))
          .add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true))
          .add(
              "st",
              new StructType()
                  .add("x", DataTypes.IntegerType)
                  .add("inner", new StructType().add("z", DataTypes.StringType)));

  private static <T> Seq<T> seq(List<T> items) {
    return CollectionConverters.asScala(items).toSeq();
  }

  private static <K, V> scala.collection.Map<K, V> map(Map<K, V> entries) {
    return CollectionConverters.asScala(entries);
  }

  private static List<Row> allTypeRows() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("one", 1L);
    m.put("none", null);
    List<Row> rows = new ArrayList<>();
    rows.add(
        RowFactory.create(
            true,
            (byte) 1,
            (short) 2,
            3,
            4L,
            5.5f,
            6.25d,
            new BigDecimal("12345678901234567890.123456789012345678"),
            new BigDecimal("-12345.67"),
            "héllo ☃ 😀",
            new byte[] {0, 1, (byte) 0xfe},
            Date.valueOf("2024-02-29"),
            Timestamp.valueOf("2024-02-29 12:34:56.789"),
            LocalDateTime.of(2020, 1, 2, 3, 4, 5, 6000),
            Duration.ofSeconds(93_784, 5_000),
            Period.ofMonths(14),
            seq(Arrays.asList(1, null, 3)),
            seq(List.of(seq(List.of("a")), seq(List.of()))),
            map(m),
            RowFactory.create(7, RowFactory.create("zz"))));
    rows.add(
        RowFactory.create(
            false,
            Byte.MIN_VALUE,
            Short.MIN_VALUE,
            Integer.MIN_VALUE,
            Long.MIN_VALUE,
            Float.NaN,
            Double.NEGATIVE_INFINITY,
            new BigDecimal("-0.000000000000000001"),
            new BigDecimal("0.00"),
            "",
            new byte[0],
            Date.valueOf("1970-01-01"),
            Timestamp.valueOf("1970-01-01 00:00:00"),
            LocalDateTime.of(1969, 12, 31, 23, 59, 59),
            Duration.ofSeconds(-1),
            Period.ofYears(-2),
            seq(List.of()),
            seq(List.of()),
            map(Map.of()),
            RowFactory.create(null, null)));
    // Null in every column but the numeric ones (Arrays.copyOf pads with null).
    rows.add(
        RowFactory.create(
            Arrays.copyOf(
                new Object[] {
                  null,
                  Byte.MAX_VALUE,
                  Short.MAX_VALUE,
                  Integer.MAX_VALUE,
                  Long.MAX_VALUE,
                  -0.0f,
                  -0.0d
                },
                ALL_TYPES.fields().length)));
    return rows;
  }

  @Test
  @Tag("client-matrix")
  void allTypesFromJavaRows() {
    check(s -> s.createDataFrame(allTypeRows(), ALL_TYPES));
  }

  @Test
  @Tag("client-matrix")
  void allTypesFromJavaRowsThroughServerExpressions() {
    check(
        s ->
            s.createDataFrame(allTypeRows(), ALL_TYPES)
                .selectExpr(
                    "i",
                    "typeof(dec) as t",
                    "dec * 2 as dec2x",
                    "s || '!' as s2",
                    "hex(bin) as h",
                    "date_add(dt, 1) as next_day",
                    "ts + interval 1 hour as later",
                    "ntz < timestamp_ntz'2000-01-01 00:00:00' as old",
                    "dti * 2 as dti2",
                    "ymi + interval '1' month as ymi1",
                    "size(arr) as n",
                    "m['one'] as one",
                    "st.inner.z as z",
                    "isnan(f) as nan",
                    "try_divide(1, d) as inv"));
  }

  @Test
  @Tag("client-matrix")
  void emptyDataFrameWithSchema() {
    check(s -> s.createDataFrame(new ArrayList<Row>(), ALL_TYPES));
    check(s -> s.createDataFrame(new ArrayList<Row>(), ALL_TYPES).groupBy("s").count());
  }

  private static final StructType WIDE =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("name", DataTypes.StringType)
          .add("score", DataTypes.DoubleType)
          .add("amount", DataTypes.createDecimalType(12, 3))
          .add("day", DataTypes.DateType)
          .add("tags", DataTypes.createArrayType(DataTypes.StringType));

  private static List<Row> manyRows(int n) {
    List<Row> rows = new ArrayList<>(n);
    long epochDay = Date.valueOf("2000-01-01").toLocalDate().toEpochDay();
    for (int i = 0; i < n; i++) {
      rows.add(
          RowFactory.create(
              i,
              i % 97 == 0 ? null : "name-" + i + "-" + "xyzäöü".repeat(i % 5),
              i % 13 == 0 ? null : i / 7.0,
              BigDecimal.valueOf(i * 1001L, 3),
              Date.valueOf(LocalDate.ofEpochDay(epochDay + i % 3650)),
              seq(List.of("t" + (i % 3), "u" + (i % 11)))));
    }
    return rows;
  }

  @Test
  void hundredThousandRowsThroughCachedLocalRelation() {
    // Above this threshold the 4.1 client uploads the rows as artifacts (cache/<sha256>,
    // AddArtifacts)
    // and sends a ChunkedCachedLocalRelation instead of inline Arrow (checked: the plan's root is
    // one). The classic oracle ignores the setting.
    spark
        .conf()
        .set("spark.sql.session.localRelationCacheThreshold", Integer.toString(1024 * 1024));
    List<Row> rows = manyRows(100_000);
    check(s -> s.createDataFrame(rows, WIDE));
    check(
        s ->
            s.createDataFrame(rows, WIDE)
                .agg(
                    count("*"),
                    countDistinct("name"),
                    sum("amount"),
                    min("day"),
                    max("day"),
                    max("score"),
                    sum(col("id").cast("long"))));
  }

  @Test
  void hundredThousandRowsInline() {
    List<Row> rows = manyRows(100_000);
    check(
        s ->
            s.createDataFrame(rows, WIDE)
                .filter(col("id").mod(10).equalTo(3))
                .select("id", "name", "tags"));
  }

  @Test
  @Tag("client-matrix")
  void createDataFrameFromBeans() {
    List<Point> points =
        List.of(new Point(1, "a", 1.5), new Point(2, null, -2.0), new Point(3, "c", 0.0));
    check(s -> s.createDataFrame(points, Point.class).select("id", "label", "weight"));
  }

  /** A JavaBean for {@code createDataFrame(List, Class)}. */
  public static class Point implements Serializable {
    private int id;
    private String label;
    private double weight;

    public Point() {}

    Point(int id, String label, double weight) {
      this.id = id;
      this.label = label;
      this.weight = weight;
    }

    public int getId() {
      return id;
    }

    public void setId(int id) {
      this.id = id;
    }

    public String getLabel() {
      return label;
    }

    public void setLabel(String label) {
      this.label = label;
    }

    public double getWeight() {
      return weight;
    }

    public void setWeight(double weight) {
      this.weight = weight;
    }
  }
}
