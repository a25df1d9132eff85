package dev.vxconnect.e2e.sql;

import static org.apache.spark.sql.functions.expr;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * MERGE INTO through the DataFrame API (MergeIntoTableCommand) and SQL. Tables of the built-in
 * file formats do not support MERGE; both engines must refuse it the same way.
 */
class MergeIntoE2ETest extends E2ETestBase {

  private String newTable() {
    String table = "merge_" + UUID.randomUUID().toString().replace('-', '_');
    spark.range(5).selectExpr("id", "id * 10 as v").write().saveAsTable(table);
    return table;
  }

  @Test
  void mergeIntoWithTheDataFrameApi() {
    String table = newTable();
    checkError(
        s -> {
          s.range(3, 8)
              .selectExpr("id", "id * 100 as v")
              .as("src")
              .mergeInto(table, expr(table + ".id = src.id"))
              .whenMatched()
              .updateAll()
              .whenNotMatched()
              .insertAll()
              .merge();
          return null;
        });
  }

  @Test
  void mergeIntoWithSql() {
    String table = newTable();
    spark.range(3, 8).selectExpr("id", "id * 100 as v").createOrReplaceTempView("merge_source");
    checkError(
        s ->
            s.sql(
                "MERGE INTO "
                    + table
                    + " t USING merge_source s ON t.id = s.id "
                    + "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"));
  }
}
