package dev.vxconnect.e2e.udf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.TestJars;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Java UDFs written in the test program, registered by name and used inline. */
class JavaUdfE2ETest extends E2ETestBase {

  @BeforeEach
  void shipUdfClasses() throws Exception {
    if (!isOracle()) {
      Path jar = TestJars.of("udfs", Udfs.class, Udfs.TimesTwo.class, Udfs.Greeting.class);
      spark.addArtifact(jar.toString());
    }
  }

  @Test
  void registeredUdfInSql() {
    check(
        s -> s.udf().register("times_two", new Udfs.TimesTwo(), DataTypes.LongType),
        s -> s.sql("select id, times_two(id) as doubled from range(10)"));
  }

  @Test
  void inlineUdfInDataFrame() {
    check(
        s -> {
          UserDefinedFunction greet = udf(new Udfs.Greeting(), DataTypes.StringType);
          return s.range(3)
              .select(col("id"), greet.apply(col("id").cast("string"), lit(2)).as("g"));
        });
  }

  @Test
  void udfOverNulls() {
    check(
        (SparkSession s) -> s.udf().register("times_two", new Udfs.TimesTwo(), DataTypes.LongType),
        s ->
            s.sql(
                "select times_two(cast(null as bigint)) as n, times_two(cast(21 as bigint)) as answer"));
  }
}
