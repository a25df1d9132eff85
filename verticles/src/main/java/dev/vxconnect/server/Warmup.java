package dev.vxconnect.server;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import java.util.List;
import java.util.UUID;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.UserContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a few plans through a throwaway session before the instance serves: the first plan a JVM
 * runs loads and compiles much of Spark (parser, analyzer, code generation, Arrow), seconds that
 * would otherwise fall on the first client, or on the first session taken over after a failover.
 */
final class Warmup {

  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  private static final List<String> QUERIES =
      List.of(
          "create temporary view warmup as select id, id % 7 as k, concat('v', id) as v from range(1000)",
          "select k, count(*) as n, max(v) as m from warmup group by k order by k",
          "select a.k, sum(b.id) as s from warmup a join warmup b on a.id = b.id where a.k > 2 group by a.k");

  private Warmup() {}

  static void run(SparkEngine engine) {
    long start = System.nanoTime();
    String sessionId = UUID.randomUUID().toString();
    SessionContext session = engine.openSession("vxconnect-warmup", sessionId);
    try {
      for (String query : QUERIES) {
        ExecutePlanRequest request =
            ExecutePlanRequest.newBuilder()
                .setSessionId(sessionId)
                .setUserContext(UserContext.newBuilder().setUserId("vxconnect-warmup"))
                .setOperationId(UUID.randomUUID().toString())
                .setPlan(
                    Plan.newBuilder()
                        .setRoot(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(query))))
                .build();
        session.execute(request, response -> {}, Cancellation.NEVER);
      }
      LOG.info("Warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      // Only a cost: the first real plans will pay it.
      LOG.warn("Warm-up failed: {}", e.toString());
    } finally {
      session.close();
    }
  }
}
