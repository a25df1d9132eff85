package dev.vxconnect.testkit;

import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.KeyValue;

/** Config operations sent over raw gRPC, by the e2e tests and the bench alike. */
public final class ConfigRequests {

  private ConfigRequests() {}

  /** The operation {@code spark.conf.set(key, value)} sends. */
  public static ConfigRequest.Operation set(String key, String value) {
    return ConfigRequest.Operation.newBuilder()
        .setSet(
            ConfigRequest.Set.newBuilder()
                .addPairs(KeyValue.newBuilder().setKey(key).setValue(value)))
        .build();
  }
}
