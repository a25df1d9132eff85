package dev.vxconnect.e2e.types;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.Test;

/** Results large enough to need many Arrow batches and several result windows. */
class LargeResultsE2ETest extends E2ETestBase {

  @Test
  void collectOneMillionRowsInOrder() {
    checkOrdered(
        s ->
            s.range(0, 1_000_000, 1, 8)
                .selectExpr(
                    "id",
                    "id * 3 - 7 as lin",
                    "cast(id % 1000 as int) as bucket",
                    "concat('row-', id) as label",
                    "id % 17 = 0 as flag")
                .orderBy("id"));
  }

  @Test
  void oneMillionRowsAggregatesAndUnorderedCollect() {
    check(
        s ->
            s.range(1_000_000)
                .selectExpr(
                    "count(*) as n",
                    "sum(id) as total",
                    "min(id) as lo",
                    "max(id) as hi",
                    "count(distinct id % 1234) as buckets",
                    "sum(cast(id as double) / 3) is not null as has_sum"));
    check(s -> s.range(1_000_000).selectExpr("id % 10 as digit", "id").groupBy("digit").count());
    check(s -> s.range(0, 1_000_000, 1, 4).selectExpr("id", "-id as neg"));
  }

  @Test
  void wideRowsManyBatches() {
    check(
        s ->
            s.range(0, 20_000, 1, 3)
                .selectExpr(
                    "id",
                    "repeat(concat('x', cast(id as string)), 50) as big_string",
                    "sequence(0, cast(id % 20 as int)) as arr",
                    "map('k', id, 'k2', id * 2) as m",
                    "named_struct('a', id, 'b', cast(id as string)) as st"));
  }

  @Test
  void emptyAndSingleRowResults() {
    check(s -> s.range(0).toDF());
    check(s -> s.range(10).filter("id > 100").selectExpr("id", "cast(id as string) as s"));
    check(s -> s.range(1).selectExpr("id"));
  }
}
