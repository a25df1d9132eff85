package dev.vxconnect.planner.spark;

import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.connect.proto.WriteStreamOperationStart;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Where a streaming query about to start keeps its checkpoint, when the user chose it: only then
 * can another driver start the query again from it (same id, its offsets and commits). Spark's
 * rule: the writer's {@code checkpointLocation} option, else the session's
 * {@code spark.sql.streaming.checkpointLocation} root with the query's name under it; a query with
 * neither gets a temporary directory (or, under the root without a name, a random one), which no
 * other driver finds again.
 */
final class StreamingCheckpoints {

  private static final String ROOT = "spark.sql.streaming.checkpointLocation";

  private StreamingCheckpoints() {}

  static Optional<String> chosenBy(WriteStreamOperationStart write, SparkSession session) {
    Optional<String> option =
        write.getOptionsMap().entrySet().stream()
            .filter(e -> e.getKey().equalsIgnoreCase("checkpointLocation"))
            .map(Map.Entry::getValue)
            .filter(v -> !v.isEmpty())
            .findFirst();
    if (option.isPresent()) {
      return option;
    }
    Option<String> root = session.conf().getOption(ROOT);
    if (root.isDefined() && !root.get().isEmpty() && !write.getQueryName().isEmpty()) {
      return Optional.of(new Path(root.get(), write.getQueryName()).toString());
    }
    return Optional.empty();
  }
}
