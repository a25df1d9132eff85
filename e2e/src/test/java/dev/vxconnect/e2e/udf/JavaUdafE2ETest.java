package dev.vxconnect.e2e.udf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udaf;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.TestJars;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Java UDAF (an Aggregator) written in the test program, used by name in SQL and inline. */
class JavaUdafE2ETest extends E2ETestBase {

  @BeforeEach
  void shipUdafClasses() throws Exception {
    if (!isOracle()) {
      spark.addArtifact(TestJars.of("udafs", Udafs.class, Udafs.SumOfSquares.class).toString());
    }
  }

  @Test
  void udafRegisteredByNameInSql() {
    check(s -> s.udf().register("sum_sq", udaf(new Udafs.SumOfSquares(), Encoders.LONG())),
        s -> s.sql("select id % 3 as k, sum_sq(id) as sq from range(20) group by id % 3"));
  }

  @Test
  void udafInlineOverGroups() {
    check(s -> {
      UserDefinedFunction sumSq = udaf(new Udafs.SumOfSquares(), Encoders.LONG());
      return s.range(50).groupBy(col("id").mod(5).as("k")).agg(sumSq.apply(col("id")).as("sq"));
    });
  }
}
