package dev.vxconnect.planner.spark;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.analysis.NamespaceAlreadyExistsException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;

/**
 * Two instances creating the same table (or database) at once: Spark checks that the name is free,
 * then asks the shared Hive metastore, which refuses the second with Hive's AlreadyExistsException.
 * Spark wraps that as a legacy error (_LEGACY_ERROR_TEMP_3065, "HiveException: AlreadyExists...");
 * a single Spark, whose check sees the first table, answers TABLE_OR_VIEW_ALREADY_EXISTS (or
 * SCHEMA_ALREADY_EXISTS). This gives the client the answer it would get had the two calls come one
 * after the other.
 */
final class MetastoreNameClash {

  private static final String HIVE_ALREADY_EXISTS =
      "org.apache.hadoop.hive.metastore.api.AlreadyExistsException";
  private static final Pattern CLASH = Pattern.compile("(Table|Database) (\\S+) already exists");

  private MetastoreNameClash() {}

  /** Spark's own error for the clash, if {@code failure} is one. */
  static Optional<AnalysisException> of(Throwable failure) {
    if (!(failure instanceof AnalysisException)) {
      return Optional.empty();
    }
    for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().equals(HIVE_ALREADY_EXISTS) && t.getMessage() != null) {
        Matcher m = CLASH.matcher(t.getMessage());
        if (m.find()) {
          return Optional.of(
              m.group(1).equals("Table")
                  ? new TableAlreadyExistsException(m.group(2))
                  : new NamespaceAlreadyExistsException(new String[] {m.group(2)}));
        }
      }
    }
    return Optional.empty();
  }
}
