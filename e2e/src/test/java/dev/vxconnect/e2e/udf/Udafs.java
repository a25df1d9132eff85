package dev.vxconnect.e2e.udf;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/** A Java UDAF of the test program: the sum of squares, ignoring nulls. */
public final class Udafs {

  private Udafs() {}

  public static final class SumOfSquares extends Aggregator<Long, Long, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long zero() {
      return 0L;
    }

    @Override
    public Long reduce(Long buffer, Long value) {
      return value == null ? buffer : buffer + value * value;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }

    @Override
    public Long finish(Long reduction) {
      return reduction;
    }

    @Override
    public Encoder<Long> bufferEncoder() {
      return Encoders.LONG();
    }

    @Override
    public Encoder<Long> outputEncoder() {
      return Encoders.LONG();
    }
  }
}
