package dev.vxconnect.userext;

import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal$;
import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.plugin.ExpressionPlugin;
import org.sparkproject.connect.protobuf.Any;
import org.sparkproject.connect.protobuf.InvalidProtocolBufferException;
import org.sparkproject.connect.protobuf.StringValue;

/** An expression extension: a google.protobuf.StringValue becomes its upper-case literal. */
public final class ShoutExpressionPlugin implements ExpressionPlugin {

  @Override
  public Optional<Expression> transform(byte[] expression, SparkConnectPlanner planner) {
    try {
      Any extension = Any.parseFrom(expression);
      if (!extension.is(StringValue.class)) {
        return Optional.empty();
      }
      String text = extension.unpack(StringValue.class).getValue();
      return Optional.of(Literal$.MODULE$.apply((Object) text.toUpperCase(Locale.ROOT)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
