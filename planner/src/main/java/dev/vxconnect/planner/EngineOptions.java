package dev.vxconnect.planner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to start the embedded Spark driver and how it hands out results; built by the server from its
 * configuration.
 *
 * @param sparkConf every {@code spark.*} key handed to the driver; {@code spark.master} defaults to
 *     {@code local[*]}
 * @param resultWindowBytes Arrow data fetched per Spark job when streaming a result: the driver
 *     holds at most two such windows
 * @param pythonEnabled whether plans may use Python UDFs, UDTFs and data sources (needs Python with
 *     PySpark on the executors)
 * @param copyToLocalFsAllowed whether {@code forward_to_fs/} artifacts may be copied to the
 *     driver's local file system. A session's own
 *     {@code spark.sql.artifact.copyFromLocalToFs.allowDestLocal} cannot allow it: any client could
 *     then overwrite any file the server may write
 * @param allowedLocalPaths directories of the driver's local file system that sessions' file data
 *     sources may read and write (with the warehouse); empty: any path, as on Spark's server
 * @param metastoreDatabase the state database, which holds the Hive metastore unless the user chose
 *     {@code spark.sql.catalogImplementation} (or the metastore's own JDBC keys) explicitly
 */
public record EngineOptions(
    Map<String, String> sparkConf,
    long resultWindowBytes,
    boolean pythonEnabled,
    boolean copyToLocalFsAllowed,
    List<Path> allowedLocalPaths,
    Optional<MetastoreDatabase> metastoreDatabase) {

  /** Spark's default {@code spark.redaction.regex}: keys whose values the startup log hides. */
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i)secret|password|token|access[.]?key");

  public EngineOptions {
    sparkConf = Map.copyOf(sparkConf);
    allowedLocalPaths = List.copyOf(allowedLocalPaths);
  }

  /** For the startup log: values of keys that look secret (as Spark redacts them) are hidden. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    sparkConf.forEach(
        (key, value) -> shown.put(key, SECRET_KEY.matcher(key).find() ? "***" : value));
    return "EngineOptions[sparkConf="
        + shown
        + ", resultWindowBytes="
        + resultWindowBytes
        + ", pythonEnabled="
        + pythonEnabled
        + ", copyToLocalFsAllowed="
        + copyToLocalFsAllowed
        + ", allowedLocalPaths="
        + allowedLocalPaths
        + metastoreDatabase.map(db -> ", " + db).orElse("")
        + "]";
  }
}
