package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ServerError;
import dev.vxconnect.planner.SparkErrors;
import java.util.Map;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.connect.plugin.SparkConnectPluginRegistry$;
import org.sparkproject.connect.protobuf.Any;
import org.sparkproject.connect.protobuf.Message;

/**
 * Cases of the protocol that Spark's planner can only fail on here, refused up front with a named
 * error instead of Spark's INTERNAL_ERROR: {@code extension} relations, expressions and commands
 * when no Connect plugin of that kind is configured (spark.connect.extensions.*.classes), and the
 * {@code unknown} relation, which the protocol keeps for tests.
 */
final class UnservedCases {

  private UnservedCases() {}

  /** Throws the named error if {@code message} itself (not its fields) is an unserved case. */
  static void check(Message message) {
    var plugins = SparkConnectPluginRegistry$.MODULE$;
    if (message instanceof Relation relation) {
      if (relation.getRelTypeCase() == Relation.RelTypeCase.UNKNOWN) {
        throw new ServerError(
            ServerError.UNKNOWN_RELATION,
            "0A000",
            "The relation case `unknown`"
                + " (spark.connect.Unknown) is reserved by the protocol for tests; it has no plan.");
      }
      if (relation.hasExtension() && plugins.relationRegistry().isEmpty()) {
        throw notEnabled("relation", relation.getExtension(), "RelationPlugin");
      }
    } else if (message instanceof Expression expression) {
      if (expression.hasExtension() && plugins.expressionRegistry().isEmpty()) {
        throw notEnabled("expression", expression.getExtension(), "ExpressionPlugin");
      }
    } else if (message instanceof Command command) {
      if (command.hasExtension() && plugins.commandRegistry().isEmpty()) {
        throw notEnabled("command", command.getExtension(), "CommandPlugin");
      }
    }
  }

  private static RuntimeException notEnabled(String kind, Any extension, String pluginInterface) {
    return SparkErrors.raise(
        "FEATURE_NOT_ENABLED",
        Map.of(
            "featureName",
                "Spark Connect "
                    + kind
                    + " extensions ("
                    + extension.getTypeUrl()
                    + "; no "
                    + kind
                    + " plugin is configured)",
            "configKey", "spark.connect.extensions." + kind + ".classes",
            "configValue",
                "a class implementing org.apache.spark.sql.connect.plugin." + pluginInterface));
  }
}
