package dev.vxconnect.e2e.errors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Errors: the same condition, SQL state and exception class as classic Spark. */
class ErrorsE2ETest extends E2ETestBase {

  private static String conditionOf(Runnable program) {
    try {
      program.run();
      return "no error";
    } catch (Exception e) { // Scala code may throw checked exceptions undeclared
      return e instanceof SparkThrowable t
          ? t.getCondition() + "/" + t.getSqlState()
          : e.toString();
    }
  }

  @Test
  void parseErrors() {
    checkError(s -> s.sql("selec 1"));
    checkError(s -> s.sql("select 1 +"));
    checkError(s -> s.sql("select * from t where"));
    checkError(s -> s.sql("select 'unterminated"));
    checkError(s -> s.range(3).selectExpr("id +* 2"));
  }

  @Test
  void unresolvedColumns() {
    checkError(s -> s.sql("select nope from range(3)"));
    checkError(s -> s.range(3).select(col("missing")));
    checkError(s -> s.range(3).filter("no_such_col > 1"));
    checkError(s -> s.sql("select a.b.c from (select named_struct('b', 1) as a)"));
  }

  @Test
  void tableAndFunctionNotFound() {
    checkError(s -> s.sql("select * from no_such_table_e2e"));
    checkError(s -> s.table("no_such_db_e2e.no_such_table"));
    checkError(s -> s.sql("select no_such_function_e2e(1)"));
    checkError(s -> s.sql("describe table no_such_table_e2e"));
    checkError(s -> s.sql("use no_such_db_e2e"));
  }

  @Test
  void divideByZeroWithAnsi() {
    checkError(
        s -> {
          s.conf().set("spark.sql.ansi.enabled", "true");
          return s.sql("select 1 / 0");
        });
    checkError(s -> s.range(5).select(lit(10).divide(col("id"))));
    checkError(s -> s.sql("select 5 % 0"));
    checkError(s -> s.sql("select cast(1 as decimal(10,2)) / 0"));
  }

  @Test
  void castAndArithmeticOverflow() {
    checkError(s -> s.sql("select cast(300 as tinyint)"));
    checkError(s -> s.sql("select cast('abc' as int)"));
    checkError(s -> s.sql("select 2147483647 + 1"));
    checkError(s -> s.sql("select cast(12345678901234567890 as bigint)"));
    checkError(s -> s.sql("select cast('2024-13-45' as date)"));
    checkError(s -> s.sql("select cast(9.99 as decimal(2,1)) * 100"));
    checkError(s -> s.range(1).select(lit("1e400").cast("double").cast("int")));
  }

  @Test
  void runtimeErrorsDuringExecution() {
    checkError(s -> s.sql("select array(1, 2)[5]"));
    checkError(s -> s.sql("select element_at(array(1, 2), 0)"));
    checkError(s -> s.sql("select map('a', 1)['a'], map(null, 1)"));
    checkError(s -> s.range(10).selectExpr("assert_true(id < 5)"));
    checkError(s -> s.sql("select raise_error('custom failure from e2e')"));
    checkError(s -> s.range(100).selectExpr("if(id = 77, raise_error('late failure'), id) as x"));
  }

  @Test
  void typeErrors() {
    checkError(s -> s.sql("select 1 + array(1)"));
    checkError(s -> s.sql("select substring(1, 2, 3, 4, 5)"));
    checkError(
        s -> s.sql("select sum(x) from values ('a'), ('b') as t(x) group by x having max(y) > 1"));
    checkError(s -> s.sql("select id, count(*) from range(3)"));
    checkError(s -> s.sql("select max(sum(id)) from range(3)"));
  }

  @Test
  void ambiguityAndDuplicates() {
    checkError(s -> s.sql("select a from (select 1 as a) x join (select 2 as a) y"));
    checkError(s -> s.sql("select * from values (1, 2) as t(a, a)").select("a"));
    checkError(s -> s.sql("create temporary view e2e_dup_cols as select 1 as c, 2 as c"));
    checkError(s -> s.range(3).withColumnRenamed("id", "x").select(col("id")));
  }

  @Test
  void ddlErrors() {
    checkError(s -> s.sql("create database default"));
    checkError(s -> s.sql("drop table no_such_table_e2e"));
    checkError(s -> s.sql("drop view no_such_view_e2e"));
    // DATA_SOURCE_NOT_FOUND is a SparkClassNotFoundException, a class the JVM client does not
    // rebuild (it throws a SparkException with the same condition): condition and state compared.
    checkValue(
        s ->
            conditionOf(
                () -> s.sql("create table e2e_bad_provider (x int) using no_such_format_e2e")));
    checkError(s -> s.sql("alter table no_such_table_e2e add columns (y int)"));
  }

  @Test
  void dataFrameApiErrors() {
    checkError(s -> s.range(3).toDF().union(s.range(3).selectExpr("id", "id as other")));
    checkError(s -> s.range(3).toDF().unionByName(s.range(3).toDF("other")));
    checkError(s -> s.range(3).groupBy("id").pivot("nope").count());
    checkError(
        s ->
            s.createDataFrame(
                    List.of(RowFactory.create(1)), new StructType().add("x", DataTypes.IntegerType))
                .join(s.range(1), col("x").equalTo(col("nope"))));
    checkError(
        s ->
            s.range(3)
                .selectExpr("sum(id) over (order by id rows between 1 following and 1 preceding)"));
  }

  @Test
  void parameterErrors() {
    checkError(s -> s.sql("select :missing", Map.of("other", 1)));
    checkError(s -> s.sql("select ?, ?", new Object[] {1}));
    checkError(s -> s.sql("select :a, ?", Map.of("a", 1)));
  }

  @Test
  void errorsDoNotBreakTheSession() {
    checkError(s -> s.sql("select 1 / 0"));
    check(s -> s.sql("select 42 as still_fine"));
    checkError(s -> s.sql("select * from no_such_table_e2e"));
    check(s -> s.range(3).selectExpr("id * 2 as x"));
  }
}
