package dev.vxconnect.planner.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which persisted DataFrames a session's close uncaches: its own, unless another kept them. */
class PersistedPlansTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("persisted-plans");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> df(SparkSession session, String query) {
    return (Dataset<Row>) session.sql(query);
  }

  @Test
  void aSessionsOwnPlanIsReleasedWithIt() {
    PersistedPlans plans = new PersistedPlans();
    plans.persisted("a", df(spark, "select id from range(5)"));
    plans.persisted("b", df(spark, "select id from range(7)"));

    assertThat(plans.releasedBy("a")).hasSize(1);
    assertThat(plans.releasedBy("a")).as("released once").isEmpty();
    assertThat(plans.size()).isEqualTo(1);
  }

  @Test
  void aPlanAnotherSessionAlsoPersistedStaysUntilItsLastOwnerCloses() {
    PersistedPlans plans = new PersistedPlans();
    // Two sessions, the same result: Spark holds one cache entry for both.
    plans.persisted("a", df(spark.newSession(), "select id * 2 as x from range(5)"));
    plans.persisted("b", df(spark.newSession(), "select id * 2 as x from range(5)"));

    assertThat(plans.releasedBy("a")).as("b still uses it").isEmpty();
    assertThat(plans.releasedBy("b")).hasSize(1);
    assertThat(plans.size()).isZero();
  }

  @Test
  void aPlanPersistedTwiceBySessionIsReleasedOnce() {
    PersistedPlans plans = new PersistedPlans();
    plans.persisted("a", df(spark, "select id from range(3)"));
    plans.persisted("a", df(spark, "select id from range(3)"));

    assertThat(plans.releasedBy("a")).hasSize(1);
  }

  @Test
  void anUnpersistedPlanIsNotReleasedAgain() {
    PersistedPlans plans = new PersistedPlans();
    plans.persisted("a", df(spark, "select id from range(4)"));
    plans.persisted("b", df(spark, "select id from range(4)"));

    plans.unpersisted(df(spark, "select id from range(4)"));

    assertThat(plans.releasedBy("a")).isEmpty();
    assertThat(plans.releasedBy("b")).isEmpty();
    assertThat(plans.size()).isZero();
  }
}
