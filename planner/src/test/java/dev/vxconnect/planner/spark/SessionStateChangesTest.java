package dev.vxconnect.planner.spark;

import static dev.vxconnect.planner.spark.ConnectPlans.sql;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.classic.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which SQL commands are recorded for a takeover to replay (session state), on a local Spark. */
class SessionStateChangesTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("session-state");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void sessionCommandsAreRecorded() {
    spark.sql("create or replace temp view existing as select 1 as x");
    for (String text :
        new String[] {
          "set spark.sql.shuffle.partitions=3",
          "reset",
          "create temp view v as select 1 as x",
          "create or replace temporary function f as 'x.Y'",
          "drop view existing",
          "declare variable n int default 1",
          "use default"
        }) {
      assertThat(SessionStateChanges.changesState(spark, sql(text))).as(text).isTrue();
    }
  }

  /** The skip list holds the classes these statements parse to (so a renamed class fails here). */
  @Test
  void catalogCommandsAreNotRecordedAndNotAnalyzedTwice() throws Exception {
    for (String text :
        new String[] {
          "create table t1 (x int)",
          "create table t2 as select 1 as x",
          "replace table t3 (x int) using parquet",
          "create database d1",
          "drop database if exists d1",
          "show tables",
          "describe table existing",
          "analyze table existing compute statistics"
        }) {
      String parsed = spark.sessionState().sqlParser().parsePlan(text).getClass().getSimpleName();
      assertThat(SessionStateChanges.NEVER_SESSION_STATE)
          .as("%s parses to %s", text, parsed)
          .contains(parsed);
      assertThat(SessionStateChanges.changesState(spark, sql(text))).as(text).isFalse();
    }
    assertThat(SessionStateChanges.changesState(spark, sql("select 1"))).isFalse();
  }
}
