package dev.vxconnect.planner.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.connect.execution.SparkConnectPlanExecution$;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.types.DataType;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The observed-metrics responses of an execution ({@code df.observe(...)}), built as Spark's
 * server builds them: those the plan reported by name, and those of registered Observations.
 */
final class ObservedMetrics {

  private ObservedMetrics() {}

  /** Metrics the executed Dataset observed that no registered Observation claims. */
  static Optional<ExecutePlanResponse> ofDataset(ExecuteHolder holder, Dataset<Row> dataset) {
    Map<String, Seq<Tuple3<Option<String>, Object, Option<DataType>>>> values =
        new LinkedHashMap<>();
    CollectionConverters.asJava(dataset.queryExecution().observedMetrics())
        .forEach(
            (name, row) -> {
              if (!holder.observations().contains(name)) {
                values.put(name, SparkConnectPlanExecution$.MODULE$.toObservedMetricsValues(row));
              }
            });
    return response(holder, values);
  }

  /** Metrics of the Observations registered while planning (the client's Observation objects). */
  static Optional<ExecutePlanResponse> ofObservations(ExecuteHolder holder) {
    Map<String, Seq<Tuple3<Option<String>, Object, Option<DataType>>>> values =
        new LinkedHashMap<>();
    CollectionConverters.asJava(holder.observations())
        .forEach(
            (String name, Observation observation) -> {
              Option<Row> row = observation.getRowOrEmpty();
              values.put(
                  name,
                  row.isDefined()
                      ? SparkConnectPlanExecution$.MODULE$.toObservedMetricsValues(row.get())
                      : emptySeq());
            });
    return response(holder, values);
  }

  private static Optional<ExecutePlanResponse> response(
      ExecuteHolder holder,
      Map<String, Seq<Tuple3<Option<String>, Object, Option<DataType>>>> values) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        SparkConnectPlanExecution$.MODULE$.createObservedMetricsResponse(
            holder.sessionHolder().sessionId(),
            holder.sessionHolder().serverSessionId(),
            holder.allObservationAndPlanIds(),
            ScalaMaps.immutable(values)));
  }

  private static Seq<Tuple3<Option<String>, Object, Option<DataType>>> emptySeq() {
    return scala.collection.immutable.Seq$.MODULE$
        .<Tuple3<Option<String>, Object, Option<DataType>>>empty();
  }
}
