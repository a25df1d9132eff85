package dev.vxconnect.planner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How to start the embedded Spark driver and how it hands out results. */
public class EngineOptions {

  /** Arrow data fetched per Spark job when streaming a result: the driver holds at most two such windows. */
  public static final long DEFAULT_RESULT_WINDOW_BYTES = 64L * 1024 * 1024;

  /** Executors here have no Python worker unless one is installed and this is turned on. */
  public static final boolean DEFAULT_PYTHON_ENABLED = false;

  private final Map<String, String> sparkConf;
  private long resultWindowBytes;
  private boolean pythonEnabled;
  private boolean copyToLocalFsAllowed;
  private List<java.nio.file.Path> allowedLocalPaths = List.of();
  private MetastoreDatabase metastoreDatabase;

  public EngineOptions() {
    sparkConf = new LinkedHashMap<>();
    resultWindowBytes = DEFAULT_RESULT_WINDOW_BYTES;
    pythonEnabled = DEFAULT_PYTHON_ENABLED;
  }

  public EngineOptions(EngineOptions other) {
    sparkConf = new LinkedHashMap<>(other.sparkConf);
    resultWindowBytes = other.resultWindowBytes;
    pythonEnabled = other.pythonEnabled;
    copyToLocalFsAllowed = other.copyToLocalFsAllowed;
    allowedLocalPaths = other.allowedLocalPaths;
    metastoreDatabase = other.metastoreDatabase;
  }

  /** Every {@code spark.*} key handed to the driver; {@code spark.master} defaults to {@code local[*]}. */
  public Map<String, String> sparkConf() {
    return Map.copyOf(sparkConf);
  }

  public EngineOptions setSparkConf(String key, String value) {
    sparkConf.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    return this;
  }

  public long resultWindowBytes() {
    return resultWindowBytes;
  }

  public EngineOptions setResultWindowBytes(long resultWindowBytes) {
    if (resultWindowBytes <= 0) {
      throw new IllegalArgumentException("resultWindowBytes must be > 0");
    }
    this.resultWindowBytes = resultWindowBytes;
    return this;
  }

  /** Whether plans may use Python UDFs, UDTFs and data sources (needs Python with PySpark on executors). */
  public boolean pythonEnabled() {
    return pythonEnabled;
  }

  public EngineOptions setPythonEnabled(boolean pythonEnabled) {
    this.pythonEnabled = pythonEnabled;
    return this;
  }

  /**
   * Whether {@code forward_to_fs/} artifacts may be copied to the driver's local file system. A
   * session's own {@code spark.sql.artifact.copyFromLocalToFs.allowDestLocal} cannot allow it: any
   * client could then overwrite any file the server may write.
   */
  public boolean copyToLocalFsAllowed() {
    return copyToLocalFsAllowed;
  }

  public EngineOptions setCopyToLocalFsAllowed(boolean copyToLocalFsAllowed) {
    this.copyToLocalFsAllowed = copyToLocalFsAllowed;
    return this;
  }

  /**
   * Directories of the driver's local file system that sessions' file data sources may read and
   * write (with the warehouse); empty: any path, as on Spark's server.
   */
  public List<java.nio.file.Path> allowedLocalPaths() {
    return allowedLocalPaths;
  }

  public EngineOptions setAllowedLocalPaths(List<java.nio.file.Path> allowedLocalPaths) {
    this.allowedLocalPaths = List.copyOf(allowedLocalPaths);
    return this;
  }

  /**
   * The state database, which holds the Hive metastore unless the user chose
   * {@code spark.sql.catalogImplementation} (or the metastore's own JDBC keys) explicitly.
   */
  public java.util.Optional<MetastoreDatabase> metastoreDatabase() {
    return java.util.Optional.ofNullable(metastoreDatabase);
  }

  public EngineOptions setMetastoreDatabase(String url, String user, String password) {
    this.metastoreDatabase = new MetastoreDatabase(url, user, password);
    return this;
  }

  /** Spark's settings for the log, with the values of secret-looking keys hidden (as Spark's UI does). */
  private static Map<String, String> redacted(Map<String, String> conf) {
    Map<String, String> shown = new LinkedHashMap<>();
    conf.forEach((key, value) -> shown.put(key,
        key.toLowerCase(java.util.Locale.ROOT).matches(".*(password|secret|token|credential).*") ? "*****" : value));
    return shown;
  }

  @Override
  public String toString() {
    return "EngineOptions{sparkConf=" + redacted(sparkConf) + ", resultWindowBytes=" + resultWindowBytes
        + ", pythonEnabled=" + pythonEnabled + ", copyToLocalFsAllowed=" + copyToLocalFsAllowed
        + ", allowedLocalPaths=" + allowedLocalPaths
        + (metastoreDatabase == null ? "" : ", metastoreDatabase=" + metastoreDatabase) + "}";
  }
}
