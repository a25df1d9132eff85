package dev.vxconnect.bench.floor;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.client.SparkResult;
import org.apache.spark.sql.util.CloseableIterator;

/**
 * The client programs the floor comparison times, in one place: the floor records what the
 * official client sends and receives while it runs these against a real server, and the harness
 * then runs the same programs against every server, the floor included.
 */
public final class Programs {

  private Programs() {}

  /** A new session of the official client on {@code url}. */
  public static SparkSession connect(String url) {
    return org.apache.spark.sql.connect.SparkSession.builder().remote(url).create();
  }

  /** {@code spark.sql("select 1").collect()}; fails unless it returned the one row {@code 1}. */
  public static void selectOne(SparkSession spark) {
    Row[] rows = (Row[]) spark.sql("select 1").collect();
    if (rows.length != 1 || rows[0].getInt(0) != 1) {
      throw new IllegalStateException("select 1 returned " + rows.length + " rows");
    }
  }

  /**
   * {@code calls} untimed {@link #selectOne}: a server's warm-up, so that what is timed after is
   * its compiled code, not its JIT compiling Spark's.
   */
  public static void selectOne(SparkSession spark, int calls) {
    for (int i = 0; i < calls; i++) {
      selectOne(spark);
    }
  }

  /** {@code rows} rows of three 8-byte columns (2 bigint, 1 double) in two partitions. */
  @SuppressWarnings("unchecked")
  public static org.apache.spark.sql.Dataset<Row> range(SparkSession spark, long rows) {
    return spark
        .range(0, rows, 1, 2)
        .selectExpr("id as a", "id * 2 as b", "cast(id as double) / 3 as c");
  }

  /** {@code Dataset.collect()} of {@link #range}: every row held in the client at once. */
  public static Digest collect(SparkSession spark, long rows) {
    Digest digest = new Digest();
    for (Row row : (Row[]) range(spark, rows).collect()) {
      digest.add(row);
    }
    return digest;
  }

  /**
   * {@code Dataset.toLocalIterator()} of {@link #range}, read row by row as batches arrive. The
   * 4.1.2 client's toLocalIterator is {@code collectResult().destructiveIterator()} as a plain Java
   * iterator, which cannot be closed (its last Arrow buffer then counts as leaked when the session
   * closes); this is the same call with the close.
   */
  public static Digest toLocalIterator(SparkSession spark, long rows) throws Exception {
    Digest digest = new Digest();
    try (SparkResult<Row> result =
            ((org.apache.spark.sql.connect.Dataset<Row>) range(spark, rows)).collectResult();
        CloseableIterator<Row> it = result.destructiveIterator()) {
      while (it.hasNext()) {
        digest.add(it.next());
      }
    }
    return digest;
  }

  /** What a result held, to compare servers by: rows, the columns' sums, in row order. */
  public static final class Digest {
    private long rows;
    private long sumA;
    private long sumB;
    private double sumC;

    void add(Row row) {
      rows++;
      sumA += row.getLong(0);
      sumB += row.getLong(1);
      sumC += row.getDouble(2);
    }

    public long rows() {
      return rows;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d
          && d.rows == rows
          && d.sumA == sumA
          && d.sumB == sumB
          && Double.compare(d.sumC, sumC) == 0;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(rows * 31 + sumA);
    }

    @Override
    public String toString() {
      return rows + " rows, sums " + sumA + ", " + sumB + ", " + sumC;
    }
  }
}
