package dev.vxconnect.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import java.util.List;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * Requests Spark's handlers would fail with a raw JVM exception (INTERNAL naming it) are the
 * client's mistakes: INVALID_ARGUMENT, saying what is missing. Found by the million-request fuzz.
 */
class RequestChecksTest {

  private static ConfigRequest set(KeyValue pair) {
    return ConfigRequest.newBuilder()
        .setOperation(
            ConfigRequest.Operation.newBuilder()
                .setSet(ConfigRequest.Set.newBuilder().addPairs(pair)))
        .build();
  }

  @Test
  void aConfigSetOfAKeyWithoutAValueIsInvalid() {
    RpcFailure failure =
        catchThrowableOfType(
            () ->
                RequestChecks.config(
                    set(KeyValue.newBuilder().setKey("spark.sql.shuffle.partitions").build())),
            RpcFailure.class);
    assertThat(failure.status().code()).isEqualTo(ErrorStatus.INVALID_ARGUMENT);
    assertThat(failure.status().message()).contains("spark.sql.shuffle.partitions");

    assertThatCode(
            () ->
                RequestChecks.config(
                    set(
                        KeyValue.newBuilder()
                            .setKey("spark.sql.shuffle.partitions")
                            .setValue("4")
                            .build())))
        .doesNotThrowAnyException();
  }

  @Test
  void anExplainOfAnUnknownModeIsInvalid() {
    for (int mode : new int[] {0, 99}) {
      AnalyzePlanRequest request =
          AnalyzePlanRequest.newBuilder()
              .setExplain(AnalyzePlanRequest.Explain.newBuilder().setExplainModeValue(mode))
              .build();
      RpcFailure failure =
          catchThrowableOfType(() -> RequestChecks.analyze(request), RpcFailure.class);
      assertThat(failure.status().code())
          .as("explain mode %d", mode)
          .isEqualTo(ErrorStatus.INVALID_ARGUMENT);
    }
    assertThatCode(
            () ->
                RequestChecks.analyze(
                    AnalyzePlanRequest.newBuilder()
                        .setExplain(
                            AnalyzePlanRequest.Explain.newBuilder()
                                .setExplainMode(
                                    AnalyzePlanRequest.Explain.ExplainMode.EXPLAIN_MODE_SIMPLE))
                        .build()))
        .doesNotThrowAnyException();
  }

  @Test
  void anOperationTagThatIsEmptyOrHoldsACommaIsInvalid() {
    for (String tag : new String[] {"", "a,b"}) {
      RpcFailure failure =
          catchThrowableOfType(() -> RequestChecks.tags(List.of("ok", tag)), RpcFailure.class);
      assertThat(failure.status().code())
          .as("tag '%s'", tag)
          .isEqualTo(ErrorStatus.INVALID_ARGUMENT);
    }
    assertThatCode(() -> RequestChecks.tags(List.of("nightly", "team-a")))
        .doesNotThrowAnyException();
  }
}
