package dev.vxconnect.e2e.differential;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The typed tables the generated programs read, made from a seed: the same rows on both sides.
 * Each column draws from a small domain (so that grouping, distinct and joins meet duplicates)
 * plus nulls and the type's edge values. Doubles are multiples of 0.25 of modest size, so that
 * their sums are exact whatever the order of addition.
 */
final class RandomTables {

  /** The kinds of column a program handles. */
  enum Kind {
    INT(DataTypes.IntegerType),
    LONG(DataTypes.LongType),
    DOUBLE(DataTypes.DoubleType),
    STRING(DataTypes.StringType),
    BOOLEAN(DataTypes.BooleanType),
    DATE(DataTypes.DateType),
    TIMESTAMP(DataTypes.TimestampType),
    DECIMAL(DataTypes.createDecimalType(10, 2));

    final DataType type;

    Kind(DataType type) {
      this.type = type;
    }
  }

  /** A column as the generator knows it; {@code exact}: a double whose sums do not depend on order. */
  record Col(String name, Kind kind, boolean exact) {
    Col(String name, Kind kind) {
      this(name, kind, false);
    }
  }

  /** A table: its temporary view name, its columns (the first is the join key {@code k}) and rows. */
  record Table(String name, List<Col> cols, List<Row> rows) {
    StructType schema() {
      List<StructField> fields = new ArrayList<>();
      for (Col c : cols) {
        fields.add(DataTypes.createStructField(c.name(), c.kind().type, true));
      }
      return DataTypes.createStructType(fields);
    }
  }

  static final String[] STRINGS = {
    "",
    " ",
    "a",
    "A",
    "abc",
    "Abc",
    "abc ",
    " padded ",
    "é",
    "e\u0301",
    "Straße",
    "日本語",
    "🙂",
    "ΑΒΓ",
    "naïve",
    "x,y",
    "O'Brien",
    "null",
    "NaN",
    "123",
    "-7",
    "2024-01-01",
    "tab\there"
  };

  private RandomTables() {}

  static List<Table> generate(long seed, int count) {
    Random r = new Random(seed);
    List<Table> tables = new ArrayList<>();
    Kind[] kinds = Kind.values();
    for (int t = 0; t < count; t++) {
      List<Col> cols = new ArrayList<>();
      cols.add(new Col("k", Kind.INT));
      int n = 2 + r.nextInt(5);
      for (int i = 0; i < n; i++) {
        Kind kind = kinds[r.nextInt(kinds.length)];
        cols.add(new Col(prefix(kind) + t + "_" + i, kind, kind == Kind.DOUBLE));
      }
      int rows = r.nextInt(10) == 0 ? r.nextInt(2) : 3 + r.nextInt(30);
      List<List<Object>> domains = new ArrayList<>();
      for (Col c : cols) {
        domains.add(domain(r, c.kind(), c.name().equals("k")));
      }
      List<Row> data = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        Object[] values = new Object[cols.size()];
        for (int j = 0; j < cols.size(); j++) {
          List<Object> domain = domains.get(j);
          values[j] = domain.get(r.nextInt(domain.size()));
        }
        data.add(RowFactory.create(values));
      }
      tables.add(new Table("dt" + t, List.copyOf(cols), data));
    }
    return tables;
  }

  static void register(SparkSession spark, List<Table> tables) {
    for (Table t : tables) {
      spark.createDataFrame(t.rows(), t.schema()).createOrReplaceTempView(t.name());
    }
  }

  private static String prefix(Kind kind) {
    return switch (kind) {
      case INT -> "i";
      case LONG -> "l";
      case DOUBLE -> "d";
      case STRING -> "s";
      case BOOLEAN -> "b";
      case DATE -> "dt";
      case TIMESTAMP -> "ts";
      case DECIMAL -> "dec";
    };
  }

  /** A column's values: a few random ones, null, and sometimes edge values. */
  private static List<Object> domain(Random r, Kind kind, boolean key) {
    List<Object> d = new ArrayList<>();
    d.add(null);
    if (key) {
      for (int i = 0; i < 5; i++) {
        d.add(i);
      }
      return d;
    }
    int size = 2 + r.nextInt(8);
    for (int i = 0; i < size; i++) {
      d.add(value(r, kind));
    }
    if (r.nextBoolean()) {
      d.addAll(edges(kind));
    }
    return d;
  }

  private static Object value(Random r, Kind kind) {
    return switch (kind) {
      case INT -> r.nextInt(201) - 100;
      case LONG -> (long) (r.nextInt(20001) - 10000);
      case DOUBLE -> (r.nextInt(8001) - 4000) / 4.0;
      case STRING -> STRINGS[r.nextInt(STRINGS.length)];
      case BOOLEAN -> r.nextBoolean();
      case DATE -> Date.valueOf(LocalDate.of(1900, 1, 1).plusDays(r.nextInt(73000)));
      case TIMESTAMP -> {
        Timestamp ts = new Timestamp((long) (r.nextDouble() * 4_000_000_000L) * 1000L);
        ts.setNanos(r.nextInt(1_000_000) * 1000);
        yield ts;
      }
      case DECIMAL -> BigDecimal.valueOf(r.nextInt(2_000_001) - 1_000_000, 2);
    };
  }

  private static List<Object> edges(Kind kind) {
    return switch (kind) {
      case INT -> List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
      case LONG -> List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L);
      case DOUBLE ->
          List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0);
      case STRING -> List.of("", "🙂🙂", "\u0000");
      case BOOLEAN -> List.of(true, false);
      case DATE -> List.of(Date.valueOf("1970-01-01"), Date.valueOf("2000-02-29"));
      case TIMESTAMP ->
          List.of(
              Timestamp.valueOf("1970-01-01 00:00:00"),
              Timestamp.valueOf("2038-01-19 03:14:07.999999"));
      case DECIMAL ->
          List.of(
              new BigDecimal("99999999.99"),
              new BigDecimal("-99999999.99"),
              new BigDecimal("0.00"));
    };
  }
}
