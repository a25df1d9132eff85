package dev.vxconnect.planner.spark;

import java.util.function.Consumer;
import org.apache.spark.connect.proto.Catalog;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.Limit;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SqlCommand;

/**
 * Plans as the official client sends them, for the tests of what a plan does to a session: the
 * planner's, and the server's (verticles) through the planner's test jar.
 */
public final class ConnectPlans {

  private ConnectPlans() {}

  /** {@code spark.sql(text)}: a SQL command, run eagerly whatever it is. */
  public static Plan sql(String text) {
    return Plan.newBuilder()
        .setCommand(
            Command.newBuilder()
                .setSqlCommand(
                    SqlCommand.newBuilder()
                        .setInput(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(text)))))
        .build();
  }

  /** A Catalog relation: run as it is, or read with head() (a Limit 1 over it). */
  public static Plan catalog(Consumer<Catalog.Builder> kind, boolean head) {
    Catalog.Builder catalog = Catalog.newBuilder();
    kind.accept(catalog);
    Relation relation = Relation.newBuilder().setCatalog(catalog).build();
    return Plan.newBuilder()
        .setRoot(
            head
                ? Relation.newBuilder()
                    .setLimit(Limit.newBuilder().setInput(relation).setLimit(1))
                    .build()
                : relation)
        .build();
  }
}
