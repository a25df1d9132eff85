package dev.vxconnect.planner.spark;

import java.util.Map;
import java.util.Optional;
import org.sparkproject.connect.protobuf.Message;

/**
 * Finds what in a request needs a Python worker: Python UDFs and UDTFs (incl. applyInPandas,
 * mapInPandas, foreachBatch and listeners written in Python) and Python data sources. Executors of
 * this server have no Python worker unless it is enabled, and Spark would otherwise fail late and
 * obscurely (e.g. "Cannot run program python3").
 */
final class PythonFeatures {

  private static final Map<String, String> PYTHON_MESSAGES =
      Map.of(
          "spark.connect.PythonUDF", "Python user-defined functions",
          "spark.connect.PythonUDTF", "Python user-defined table functions",
          "spark.connect.PythonDataSource", "Python data sources");

  private PythonFeatures() {}

  /** The Python-only feature {@code message} itself (not its fields) is, described for an error message. */
  static Optional<String> of(Message message) {
    return Optional.ofNullable(PYTHON_MESSAGES.get(message.getDescriptorForType().getFullName()));
  }
}
