package dev.vxconnect.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A TPC-H-like workload: the tables generated with Spark SQL from {@code range} and hash
 * expressions (deterministic, so every run and every engine reads the same rows), and queries 1, 3,
 * 5, 6 and 10 written as DataFrame programs. Only Spark's SQL API is used, so the same code runs on
 * the Connect client and on classic Spark (the baseline, in its own JVM: {@link ClassicTpch}); {@link
 * TpchComparison} runs them on the three engines in turn.
 *
 * <p>Not the TPC-H specification: no text columns beyond what the queries read, uniform
 * distributions, no refresh functions. Prices and discounts are decimals, as in TPC-H, so sums
 * are exact and results can be compared between engines by digest.
 */
public final class Tpch {

  /** The queries, in report order. */
  public static final Map<String, BiFunction<SparkSession, String, Dataset<Row>>> QUERIES =
      queries();

  private static final String[] NATIONS = {
    "ALGERIA",
    "ARGENTINA",
    "BRAZIL",
    "CANADA",
    "EGYPT",
    "ETHIOPIA",
    "FRANCE",
    "GERMANY",
    "INDIA",
    "INDONESIA",
    "IRAN",
    "IRAQ",
    "JAPAN",
    "JORDAN",
    "KENYA",
    "MOROCCO",
    "MOZAMBIQUE",
    "PERU",
    "CHINA",
    "ROMANIA",
    "SAUDI ARABIA",
    "VIETNAM",
    "RUSSIA",
    "UNITED KINGDOM",
    "UNITED STATES"
  };
  private static final int[] NATION_REGIONS = {
    0, 1, 1, 1, 4, 0, 3, 3, 2, 2, 4, 4, 2, 4, 0, 0, 0, 1, 2, 3, 4, 2, 3, 3, 1
  };

  private Tpch() {}

  /** Rows of each table at scale factor {@code sf}. */
  public static long customers(double sf) {
    return Math.max(100, Math.round(150_000 * sf));
  }

  public static long orders(double sf) {
    return Math.max(1000, Math.round(1_500_000 * sf));
  }

  public static long suppliers(double sf) {
    return Math.max(10, Math.round(10_000 * sf));
  }

  public static long parts(double sf) {
    return Math.max(200, Math.round(200_000 * sf));
  }

  /** Writes the six tables as parquet under {@code dir} (one directory per table). */
  public static void generate(SparkSession spark, String dir, double sf) {
    spark
        .range(0, 5, 1, 1)
        .selectExpr(
            "cast(id as int) as r_regionkey",
            "element_at(array('AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'), cast(id as int) + 1) as r_name")
        .write()
        .mode("overwrite")
        .parquet(dir + "/region");
    spark
        .range(0, 25, 1, 1)
        .selectExpr(
            "cast(id as int) as n_nationkey",
            "element_at(array(" + quoted(NATIONS) + "), cast(id as int) + 1) as n_name",
            "element_at(array(" + joined(NATION_REGIONS) + "), cast(id as int) + 1) as n_regionkey")
        .write()
        .mode("overwrite")
        .parquet(dir + "/nation");
    spark
        .range(suppliers(sf))
        .selectExpr(
            "id + 1 as s_suppkey",
            "concat('Supplier#', lpad(cast(id + 1 as string), 9, '0')) as s_name",
            "pmod(hash(id, 31), 25) as s_nationkey",
            "cast((pmod(hash(id, 32), 1100000) - 100000) / 100.0 as decimal(12,2)) as s_acctbal")
        .write()
        .mode("overwrite")
        .parquet(dir + "/supplier");
    spark
        .range(customers(sf))
        .selectExpr(
            "id + 1 as c_custkey",
            "concat('Customer#', lpad(cast(id + 1 as string), 9, '0')) as c_name",
            "substr(md5(cast(id as string)), 1, 20) as c_address",
            "pmod(hash(id, 21), 25) as c_nationkey",
            "concat(cast(pmod(hash(id, 24), 90) + 10 as string), '-', cast(pmod(hash(id, 25), 9000000) + 1000000 as string)) as c_phone",
            "cast((pmod(hash(id, 22), 1100000) - 100000) / 100.0 as decimal(12,2)) as c_acctbal",
            "element_at(array('AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY'), pmod(hash(id, 23), 5) + 1) as c_mktsegment",
            "md5(cast(id * 7 as string)) as c_comment")
        .write()
        .mode("overwrite")
        .parquet(dir + "/customer");
    spark
        .range(orders(sf))
        .selectExpr(
            "id + 1 as o_orderkey",
            "pmod(hash(id, 1), " + customers(sf) + ") + 1 as o_custkey",
            "element_at(array('F', 'O', 'P'), pmod(hash(id, 2), 3) + 1) as o_orderstatus",
            "cast(pmod(hash(id, 3), 50000000) / 100.0 as decimal(12,2)) as o_totalprice",
            "date_add(date'1992-01-01', pmod(hash(id, 4), 2406)) as o_orderdate",
            "element_at(array('1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'), pmod(hash(id, 5), 5) + 1) as o_orderpriority",
            "0 as o_shippriority")
        .write()
        .mode("overwrite")
        .parquet(dir + "/orders");
    // One to seven lines per order (four on average, as TPC-H).
    spark
        .read()
        .parquet(dir + "/orders")
        .selectExpr(
            "o_orderkey as l_orderkey",
            "o_orderdate",
            "explode(sequence(1, pmod(hash(o_orderkey, 6), 7) + 1)) as l_linenumber")
        .selectExpr(
            "l_orderkey",
            "l_linenumber",
            "o_orderdate",
            "pmod(hash(l_orderkey, l_linenumber, 1), " + parts(sf) + ") + 1 as l_partkey",
            "pmod(hash(l_orderkey, l_linenumber, 2), " + suppliers(sf) + ") + 1 as l_suppkey",
            "pmod(hash(l_orderkey, l_linenumber, 3), 50) + 1 as qty",
            "90000 + pmod(hash(l_orderkey, l_linenumber, 4), 100000) as cents",
            "cast(pmod(hash(l_orderkey, l_linenumber, 5), 11) / 100.0 as decimal(12,2)) as l_discount",
            "cast(pmod(hash(l_orderkey, l_linenumber, 6), 9) / 100.0 as decimal(12,2)) as l_tax",
            "pmod(hash(l_orderkey, l_linenumber, 7), 2) as flag",
            "date_add(o_orderdate, pmod(hash(l_orderkey, l_linenumber, 8), 121) + 1) as l_shipdate",
            "date_add(o_orderdate, pmod(hash(l_orderkey, l_linenumber, 9), 61) + 30) as l_commitdate",
            "pmod(hash(l_orderkey, l_linenumber, 10), 30) + 1 as receipt_days")
        .selectExpr(
            "l_orderkey",
            "l_partkey",
            "l_suppkey",
            "l_linenumber",
            "cast(qty as decimal(12,2)) as l_quantity",
            "cast(qty * cents / 100.0 as decimal(12,2)) as l_extendedprice",
            "l_discount",
            "l_tax",
            "case when date_add(l_shipdate, receipt_days) <= date'1995-06-17'"
                + " then element_at(array('R', 'A'), flag + 1) else 'N' end as l_returnflag",
            "case when l_shipdate > date'1995-06-17' then 'O' else 'F' end as l_linestatus",
            "l_shipdate",
            "l_commitdate",
            "date_add(l_shipdate, receipt_days) as l_receiptdate")
        .write()
        .mode("overwrite")
        .parquet(dir + "/lineitem");
  }

  private static Dataset<Row> table(SparkSession spark, String dir, String name) {
    return spark.read().parquet(dir + "/" + name);
  }

  private static Column date(String iso) {
    return lit(iso).cast("date");
  }

  private static Column revenue() {
    return col("l_extendedprice").multiply(lit(1).minus(col("l_discount")));
  }

  private static Map<String, BiFunction<SparkSession, String, Dataset<Row>>> queries() {
    Map<String, BiFunction<SparkSession, String, Dataset<Row>>> queries = new LinkedHashMap<>();
    queries.put("q1", Tpch::q1);
    queries.put("q3", Tpch::q3);
    queries.put("q5", Tpch::q5);
    queries.put("q6", Tpch::q6);
    queries.put("q10", Tpch::q10);
    return queries;
  }

  /** Pricing summary report. */
  static Dataset<Row> q1(SparkSession spark, String dir) {
    return table(spark, dir, "lineitem")
        .filter(col("l_shipdate").leq(date("1998-09-02")))
        .groupBy("l_returnflag", "l_linestatus")
        .agg(
            sum("l_quantity").as("sum_qty"),
            sum("l_extendedprice").as("sum_base_price"),
            sum(revenue()).as("sum_disc_price"),
            sum(revenue().multiply(lit(1).plus(col("l_tax")))).as("sum_charge"),
            avg("l_quantity").as("avg_qty"),
            avg("l_extendedprice").as("avg_price"),
            avg("l_discount").as("avg_disc"),
            count("*").as("count_order"))
        .orderBy("l_returnflag", "l_linestatus");
  }

  /** Shipping priority. */
  static Dataset<Row> q3(SparkSession spark, String dir) {
    Dataset<Row> customer =
        table(spark, dir, "customer").filter(col("c_mktsegment").equalTo("BUILDING"));
    Dataset<Row> orders =
        table(spark, dir, "orders").filter(col("o_orderdate").lt(date("1995-03-15")));
    Dataset<Row> lineitem =
        table(spark, dir, "lineitem").filter(col("l_shipdate").gt(date("1995-03-15")));
    return customer
        .join(orders, col("c_custkey").equalTo(col("o_custkey")))
        .join(lineitem, col("l_orderkey").equalTo(col("o_orderkey")))
        .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
        .agg(sum(revenue()).as("revenue"))
        .orderBy(desc("revenue"), col("o_orderdate"), col("l_orderkey"))
        .limit(10);
  }

  /** Local supplier volume. */
  static Dataset<Row> q5(SparkSession spark, String dir) {
    Dataset<Row> orders =
        table(spark, dir, "orders")
            .filter(
                col("o_orderdate")
                    .geq(date("1994-01-01"))
                    .and(col("o_orderdate").lt(date("1995-01-01"))));
    return table(spark, dir, "customer")
        .join(orders, col("c_custkey").equalTo(col("o_custkey")))
        .join(table(spark, dir, "lineitem"), col("l_orderkey").equalTo(col("o_orderkey")))
        .join(
            table(spark, dir, "supplier"),
            col("l_suppkey")
                .equalTo(col("s_suppkey"))
                .and(col("c_nationkey").equalTo(col("s_nationkey"))))
        .join(table(spark, dir, "nation"), col("s_nationkey").equalTo(col("n_nationkey")))
        .join(
            table(spark, dir, "region").filter(col("r_name").equalTo("ASIA")),
            col("n_regionkey").equalTo(col("r_regionkey")))
        .groupBy("n_name")
        .agg(sum(revenue()).as("revenue"))
        .orderBy(desc("revenue"), col("n_name"));
  }

  /** Forecasting revenue change. */
  static Dataset<Row> q6(SparkSession spark, String dir) {
    return table(spark, dir, "lineitem")
        .filter(
            col("l_shipdate")
                .geq(date("1994-01-01"))
                .and(col("l_shipdate").lt(date("1995-01-01")))
                .and(col("l_discount").between(0.05, 0.07))
                .and(col("l_quantity").lt(24)))
        .agg(sum(col("l_extendedprice").multiply(col("l_discount"))).as("revenue"));
  }

  /** Returned item reporting. */
  static Dataset<Row> q10(SparkSession spark, String dir) {
    Dataset<Row> orders =
        table(spark, dir, "orders")
            .filter(
                col("o_orderdate")
                    .geq(date("1993-10-01"))
                    .and(col("o_orderdate").lt(date("1994-01-01"))));
    return table(spark, dir, "customer")
        .join(orders, col("c_custkey").equalTo(col("o_custkey")))
        .join(
            table(spark, dir, "lineitem").filter(col("l_returnflag").equalTo("R")),
            col("l_orderkey").equalTo(col("o_orderkey")))
        .join(table(spark, dir, "nation"), col("c_nationkey").equalTo(col("n_nationkey")))
        .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(sum(revenue()).as("revenue"))
        .orderBy(desc("revenue"), col("c_custkey"))
        .limit(20);
  }

  /** One timed run of one query: wall-clock ms from building the DataFrame to the collected rows. */
  public record Sample(long millis, int rows, String digest) {}

  /** Builds query {@code name}'s DataFrame and collects it, timed. */
  public static Sample runOnce(SparkSession spark, String dir, String name) {
    BiFunction<SparkSession, String, Dataset<Row>> query = QUERIES.get(name);
    if (query == null) {
      throw new IllegalArgumentException("no such query: " + name);
    }
    long start = System.nanoTime();
    Row[] rows = (Row[]) query.apply(spark, dir).collect();
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Sample(millis, rows.length, digest(rows));
  }

  /** A short digest of the rows' text, to check that engines return the same result. */
  public static String digest(Row[] rows) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Row row : rows) {
        md.update(row.toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quoted(String[] values) {
    return String.join(", ", Arrays.stream(values).map(v -> "'" + v + "'").toList());
  }

  private static String joined(int[] values) {
    return String.join(", ", Arrays.stream(values).mapToObj(Integer::toString).toList());
  }
}
