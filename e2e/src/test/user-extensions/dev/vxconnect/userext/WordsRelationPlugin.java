package dev.vxconnect.userext;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.plugin.RelationPlugin;
import org.sparkproject.connect.protobuf.Any;
import org.sparkproject.connect.protobuf.InvalidProtocolBufferException;
import org.sparkproject.connect.protobuf.StringValue;

/** A relation extension: a google.protobuf.StringValue becomes one row per word (column word). */
public final class WordsRelationPlugin implements RelationPlugin {

  @Override
  public Optional<LogicalPlan> transform(byte[] relation, SparkConnectPlanner planner) {
    try {
      Any extension = Any.parseFrom(relation);
      if (!extension.is(StringValue.class)) {
        return Optional.empty();
      }
      String text = extension.unpack(StringValue.class).getValue();
      return Optional.of(
          planner
              .session()
              .sql("SELECT explode(split(:text, ' ')) AS word", Map.<String, Object>of("text", text))
              .logicalPlan());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
