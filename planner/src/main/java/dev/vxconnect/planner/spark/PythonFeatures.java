package dev.vxconnect.planner.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sparkproject.connect.protobuf.Descriptors;
import org.sparkproject.connect.protobuf.Message;

/**
 * Finds what in a request needs a Python worker: Python UDFs and UDTFs (incl. applyInPandas,
 * mapInPandas, foreachBatch and listeners written in Python) and Python data sources. Executors of
 * this server have no Python worker unless it is enabled, and Spark would otherwise fail late and
 * obscurely (e.g. "Cannot run program python3").
 */
final class PythonFeatures {

  private static final Map<String, String> PYTHON_MESSAGES = Map.of(
      "spark.connect.PythonUDF", "Python user-defined functions",
      "spark.connect.PythonUDTF", "Python user-defined table functions",
      "spark.connect.PythonDataSource", "Python data sources");
  private static final Set<String> CANNOT_HOLD_PYTHON = Set.of(
      "spark.connect.LocalRelation", "spark.connect.Expression.Literal", "spark.connect.DataType");

  private PythonFeatures() {}

  /** The first Python-only feature used by {@code message}, described for an error message. */
  static Optional<String> find(Message message) {
    Deque<Message> pending = new ArrayDeque<>();
    pending.push(message);
    while (!pending.isEmpty()) {
      Message current = pending.pop();
      String name = current.getDescriptorForType().getFullName();
      String feature = PYTHON_MESSAGES.get(name);
      if (feature != null) {
        return Optional.of(feature);
      }
      if (CANNOT_HOLD_PYTHON.contains(name)) {
        continue;
      }
      for (Map.Entry<Descriptors.FieldDescriptor, Object> field : current.getAllFields().entrySet()) {
        if (field.getKey().getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
          continue;
        }
        if (field.getKey().isRepeated()) {
          for (Object item : (java.util.List<?>) field.getValue()) {
            pending.push((Message) item);
          }
        } else {
          pending.push((Message) field.getValue());
        }
      }
    }
    return Optional.empty();
  }
}
