package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import java.util.List;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.Plan;

/**
 * What a request must hold before a session is opened or used for it. Spark's own handlers throw a
 * plain UnsupportedOperationException for these, which reaches the client as INTERNAL naming a JVM
 * class; a request that says nothing to do is the client's mistake, answered INVALID_ARGUMENT.
 */
final class RequestChecks {

  private RequestChecks() {}

  static void config(ConfigRequest request) {
    ConfigRequest.Operation operation = request.getOperation();
    if (operation.getOpTypeCase() == ConfigRequest.Operation.OpTypeCase.OPTYPE_NOT_SET) {
      throw invalid(
          "Config request without an operation: set one of set, get, get_with_default, get_option,"
              + " get_all, unset or is_modifiable");
    }
    if (operation.hasSet()) {
      for (KeyValue pair : operation.getSet().getPairsList()) {
        if (!pair.hasValue()) {
          throw invalid("Config set of key '" + pair.getKey() + "' without a value");
        }
      }
    }
  }

  static void plan(Plan plan) {
    if (plan.getOpTypeCase() == Plan.OpTypeCase.OPTYPE_NOT_SET) {
      throw invalid("ExecutePlan request without a plan: set its root relation or its command");
    }
  }

  /** An operation's tags, as Spark's client checks them before it sends them. */
  static void tags(List<String> tags) {
    for (String tag : tags) {
      if (tag.isEmpty() || tag.contains(",")) {
        throw invalid("Operation tag '" + tag + "' is empty or contains ','");
      }
    }
  }

  static void analyze(AnalyzePlanRequest request) {
    if (request.getAnalyzeCase() == AnalyzePlanRequest.AnalyzeCase.ANALYZE_NOT_SET) {
      throw invalid(
          "AnalyzePlan request without an analysis: set one of its cases (schema, explain...)");
    }
    if (request.hasExplain()) {
      AnalyzePlanRequest.Explain.ExplainMode mode = request.getExplain().getExplainMode();
      if (mode == AnalyzePlanRequest.Explain.ExplainMode.EXPLAIN_MODE_UNSPECIFIED
          || mode == AnalyzePlanRequest.Explain.ExplainMode.UNRECOGNIZED) {
        throw invalid(
            "AnalyzePlan explain without a known explain_mode (simple, extended, codegen, cost or"
                + " formatted)");
      }
    }
  }

  private static RpcFailure invalid(String message) {
    return RpcFailure.of(ErrorStatus.INVALID_ARGUMENT, message);
  }
}
