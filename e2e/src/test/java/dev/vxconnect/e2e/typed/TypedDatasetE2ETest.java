package dev.vxconnect.e2e.typed;

import dev.vxconnect.e2e.support.E2ETestBase;
import dev.vxconnect.e2e.support.TestJars;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The typed Dataset API with Java functions of the test program: mapPartitions and map
 * (MapPartitions relations), groupByKey + mapGroups / flatMapGroups (GroupMap) and cogroup
 * (CoGroupMap), whose functions the server runs from the uploaded classes.
 */
class TypedDatasetE2ETest extends E2ETestBase {

  @BeforeEach
  void shipFunctions() throws Exception {
    if (!isOracle()) {
      spark.addArtifact(TestJars.of("typed-functions", TypedFunctions.class,
          TypedFunctions.TimesThreePlusOne.class, TypedFunctions.Describe.class,
          TypedFunctions.IsMultipleOfThree.class, TypedFunctions.Mod.class,
          TypedFunctions.CountAndSum.class, TypedFunctions.AboveMinimum.class,
          TypedFunctions.CountBothSides.class).toString());
    }
  }

  private static Dataset<Long> numbers(SparkSession s, long end) {
    return s.range(end).as(Encoders.LONG());
  }

  private static KeyValueGroupedDataset<Long, Long> byMod(Dataset<Long> ds, long modulus) {
    return ds.groupByKey(new TypedFunctions.Mod(modulus), Encoders.LONG());
  }

  @Test
  void mapPartitionsWithAJavaFunction() {
    check(s -> numbers(s, 25).mapPartitions(new TypedFunctions.TimesThreePlusOne(), Encoders.LONG())
        .toDF("v"));
  }

  @Test
  void mapAndFilterWithJavaFunctions() {
    check(s -> numbers(s, 20).filter(new TypedFunctions.IsMultipleOfThree())
        .map(new TypedFunctions.Describe(), Encoders.STRING()).toDF("d"));
  }

  @Test
  void groupByKeyThenMapGroups() {
    check(s -> byMod(numbers(s, 30), 4).mapGroups(new TypedFunctions.CountAndSum(), Encoders.STRING())
        .toDF("g"));
  }

  @Test
  void groupByKeyThenFlatMapGroups() {
    check(s -> byMod(numbers(s, 12), 3).flatMapGroups(new TypedFunctions.AboveMinimum(), Encoders.STRING())
        .toDF("g"));
  }

  @Test
  void cogroupTwoGroupedDatasets() {
    check(s -> byMod(numbers(s, 10), 3).cogroup(byMod(s.range(3, 20).as(Encoders.LONG()), 4),
        new TypedFunctions.CountBothSides(), Encoders.STRING()).toDF("c"));
  }
}
