package dev.vxconnect.testkit.plans;

import java.util.List;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.Relation;

/** Plans built around a relation, as the clients send them. */
public final class Relations {

  private Relations() {}

  /** A plan that projects {@code expressions} of {@code input}. */
  public static Plan projection(Relation input, Expression... expressions) {
    return Plan.newBuilder()
        .setRoot(
            Relation.newBuilder()
                .setProject(
                    Project.newBuilder().setInput(input).addAllExpressions(List.of(expressions))))
        .build();
  }
}
