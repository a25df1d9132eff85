package dev.vxconnect.userext;

import java.util.Map;

import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.plugin.CommandPlugin;
import org.sparkproject.connect.protobuf.Any;
import org.sparkproject.connect.protobuf.InvalidProtocolBufferException;
import org.sparkproject.connect.protobuf.StringValue;

/**
 * A command extension: a google.protobuf.StringValue names a temporary view that the plugin creates
 * in the caller's session, holding one row: the view's name, in the column made_by.
 */
public final class ViewCommandPlugin implements CommandPlugin {

  @Override
  public boolean process(byte[] command, SparkConnectPlanner planner) {
    try {
      Any extension = Any.parseFrom(command);
      if (!extension.is(StringValue.class)) {
        return false;
      }
      String view = extension.unpack(StringValue.class).getValue();
      planner
          .session()
          .sql("SELECT :view AS made_by", Map.<String, Object>of("view", view))
          .createOrReplaceTempView(view);
      return true;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
