package dev.vxconnect.planner.spark;

import java.time.Duration;
import org.sparkproject.connect.google_protos.rpc.RetryInfo;
import org.sparkproject.connect.google_protos.rpc.Status;
import org.sparkproject.connect.protobuf.Any;

/**
 * A google.rpc.Status carrying RetryInfo: the official clients retry any call whose error has one,
 * waiting at least the given delay (Spark's RetryPolicy honours server-sent delays).
 */
public final class RetryDetails {

  private RetryDetails() {}

  public static byte[] status(int code, String message, Duration delay) {
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(
                org.sparkproject.connect.protobuf.Duration.newBuilder()
                    .setSeconds(delay.getSeconds())
                    .setNanos(delay.getNano()))
            .build();
    return Status.newBuilder()
        .setCode(code)
        .setMessage(message)
        .addDetails(Any.pack(retry))
        .build()
        .toByteArray();
  }
}
