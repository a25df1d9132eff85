package dev.vxconnect.e2e.protoonly;

import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The oracle run's side of {@link ProtoOnlyCasesE2ETest}: the classic Dataset methods that
 * Spark's Connect planner calls for these protocol cases. Only this class touches classic
 * Spark's classes; the server run never loads it.
 */
final class ClassicSide {

  private ClassicSide() {}

  @SuppressWarnings("unchecked")
  private static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> ds) {
    return (org.apache.spark.sql.classic.Dataset<Row>) (Dataset<?>) ds;
  }

  static String htmlString(Dataset<Row> df, int numRows, int truncate) {
    return classic(df).htmlString(numRows, truncate);
  }

  static Dataset<Row> asOfJoin(AsOfJoinCase join) {
    return classic(join.left())
        .joinAsOf(
            classic(join.right()),
            join.left().col(join.leftAsOf()),
            join.right().col(join.rightAsOf()),
            expr(join.on()),
            join.joinType(),
            expr(join.tolerance()),
            join.allowExactMatches(),
            join.direction());
  }

  static List<String> resourceNames(SparkSession s) {
    return new ArrayList<>(
        new TreeSet<>(CollectionConverters.asJava(s.sparkContext().resources().keySet())));
  }

  static Column[] columns(String... sql) {
    Column[] columns = new Column[sql.length];
    for (int i = 0; i < sql.length; i++) {
      columns[i] = expr(sql[i]);
    }
    return columns;
  }
}
