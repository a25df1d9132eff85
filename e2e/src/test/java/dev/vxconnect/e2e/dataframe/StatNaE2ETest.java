package dev.vxconnect.e2e.dataframe;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@code df.stat()} and {@code df.na()}. */
class StatNaE2ETest extends E2ETestBase {

  private static Dataset<Row> numbers(SparkSession s) {
    return s.range(1, 101)
        .selectExpr(
            "id",
            "id * 2 + 1 as lin",
            "(id % 7) * (id % 5) as mixed",
            "cast(id % 3 as string) as bucket",
            "id % 4 as grp");
  }

  private static Dataset<Row> holes(SparkSession s) {
    return s.sql(
        """
        select * from values
          (1, 'a', 1.5d, true),
          (2, null, null, false),
          (null, 'c', cast('NaN' as double), null),
          (4, 'd', 4.0d, true),
          (null, null, null, null)
          as t(i, str, d, b)""");
  }

  /** Doubles rounded to 9 significant digits: the aggregation's merge order may differ in the last bits. */
  private static Object round9(double v) {
    return Double.isNaN(v) || Double.isInfinite(v)
        ? v
        : Double.parseDouble(String.format("%.9e", v));
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  @Test
  void corrAndCov() {
    checkValue(s -> round9(numbers(s).stat().corr("id", "lin")));
    checkValue(s -> round9(numbers(s).stat().corr("id", "mixed", "pearson")));
    checkValue(s -> round9(numbers(s).stat().cov("id", "mixed")));
  }

  @Test
  void crosstab() {
    check(s -> numbers(s).stat().crosstab("bucket", "grp"));
  }

  @Test
  void freqItems() {
    check(
        s -> {
          Dataset<Row> f =
              numbers(s)
                  .selectExpr("id % 2 as parity", "bucket")
                  .stat()
                  .freqItems(new String[] {"parity", "bucket"}, 0.4);
          return f.select(
              array_sort(col("parity_freqItems")).as("p"),
              array_sort(col("bucket_freqItems")).as("b"));
        });
  }

  @Test
  void approxQuantile() {
    checkValue(
        s ->
            boxed(
                numbers(s)
                    .stat()
                    .approxQuantile("id", new double[] {0.0, 0.25, 0.5, 0.9, 1.0}, 0.0)));
    checkValue(
        s -> {
          double[][] q =
              numbers(s)
                  .stat()
                  .approxQuantile(new String[] {"lin", "mixed"}, new double[] {0.1, 0.5}, 0.0);
          return Arrays.stream(q).map(StatNaE2ETest::boxed).toList();
        });
  }

  @Test
  void bloomFilterAndCountMinSketch() {
    checkValue(
        s -> {
          var bloom = numbers(s).stat().bloomFilter("id", 1000, 0.01);
          return List.of(
              bloom.mightContain(5L),
              bloom.mightContain(50L),
              bloom.mightContain(100L),
              bloom.expectedFpp() < 0.02);
        });
    checkValue(
        s -> {
          var cms = numbers(s).stat().countMinSketch("grp", 0.001, 0.99, 42);
          return List.of(cms.totalCount(), cms.estimateCount(0L), cms.estimateCount(3L));
        });
  }

  @Test
  void naFill() {
    check(s -> holes(s).na().fill(0));
    check(s -> holes(s).na().fill("missing"));
    check(s -> holes(s).na().fill(-1.0, new String[] {"d"}));
    check(s -> holes(s).na().fill(false));
    check(s -> holes(s).na().fill(Map.of("i", 99, "str", "zz", "b", true)));
  }

  @Test
  void naDrop() {
    check(s -> holes(s).na().drop());
    check(s -> holes(s).na().drop("all"));
    check(s -> holes(s).na().drop(new String[] {"i"}));
    check(s -> holes(s).na().drop(2));
    check(s -> holes(s).na().drop("any", new String[] {"str", "b"}));
  }

  @Test
  void naReplace() {
    check(s -> holes(s).na().replace("str", Map.of("a", "A", "d", "D")));
    check(s -> holes(s).na().replace(new String[] {"i"}, Map.of(1, 100, 4, 400)));
    check(s -> holes(s).na().replace("*", Map.of(1.5d, 15.0d)));
  }
}
