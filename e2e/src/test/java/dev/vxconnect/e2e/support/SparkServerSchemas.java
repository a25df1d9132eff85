package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Result schemas as the client of the run reads them from Apache Spark's own Connect server: the
 * reference for the schema of every compared result in the runs whose client shows server-given
 * details that classic Spark does not have. Spark's 4.1.2 server names the default collation of
 * every string type, and the 4.2 client then shows {@code string collate UTF8_BINARY} where
 * classic Spark shows {@code string}; vxconnect sends what Spark's server sends, so its schemas
 * are compared with that server's, and rows with the classic oracle's as in every run.
 *
 * <p>Written by the {@link Mode#SPARK_SERVER} run of the same client (e2e/pom.xml), read by its
 * server run; kept under spark-server-schemas/client-VERSION/ in the target directory, one file
 * per check.
 */
public final class SparkServerSchemas {

  private SparkServerSchemas() {}

  /** Whether this run's schemas are compared with Spark's own server's (e2e/pom.xml sets it). */
  public static boolean inUse() {
    return Boolean.getBoolean("vxconnect.e2e.sparkServerSchemas");
  }

  static void write(String checkId, String schema) {
    try {
      Path file = file(checkId);
      Files.createDirectories(file.getParent());
      Files.writeString(file, schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(String checkId) {
    Path file = file(checkId);
    if (!Files.exists(file)) {
      throw new AssertionError(
          "Apache Spark's own Connect server gave no schema for "
              + checkId
              + " ("
              + file
              + "): the e2e module's spark-server run of this client runs first (mvn verify does);"
              + " see its reports for a scenario that failed on Spark's server");
    }
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path file(String checkId) {
    return ServerProcess.targetDirectory()
        .resolve("spark-server-schemas")
        .resolve("client-" + System.getProperty("vxconnect.e2e.clientVersion", "unknown"))
        .resolve(checkId + ".json");
  }
}
