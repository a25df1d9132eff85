package dev.vxconnect.planner.spark;

import java.util.UUID;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.ExecuteKey;
import org.apache.spark.sql.connect.service.SessionHolder;

/** Operations as Spark's Connect service holds them, for the planner parts that take one. */
final class ConnectOperations {

  private ConnectOperations() {}

  /**
   * An ExecutePlan of {@code query} in {@code session}, under an operation id of its own; not
   * started yet: the test posts its start as the part it tests does.
   */
  static ExecuteHolder query(SessionHolder session, String query) {
    String operationId = UUID.randomUUID().toString();
    ExecutePlanRequest request =
        ExecutePlanRequest.newBuilder()
            .setSessionId(session.sessionId())
            .setOperationId(operationId)
            .setUserContext(UserContext.newBuilder().setUserId(session.userId()))
            .setPlan(
                Plan.newBuilder()
                    .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query))))
            .build();
    return new ExecuteHolder(
        new ExecuteKey(session.userId(), session.sessionId(), operationId), request, session);
  }
}
