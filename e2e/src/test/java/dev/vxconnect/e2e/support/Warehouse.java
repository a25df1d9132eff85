package dev.vxconnect.e2e.support;

import java.net.URI;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Managed tables live under the warehouse directory, which outlives a run (target/ is kept between
 * builds) while the in-memory catalog does not: a leftover directory would make the next CREATE
 * TABLE fail with LOCATION_ALREADY_EXISTS. Both the oracle and the server run on this machine.
 */
public final class Warehouse {

  private Warehouse() {}

  public static void deleteLeftovers(SparkSession s, String relative) {
    String dir = s.conf().get("spark.sql.warehouse.dir");
    Path root = dir.startsWith("file:") ? Path.of(URI.create(dir)) : Path.of(dir);
    Path target = root.resolve(relative).normalize();
    if (target.startsWith(root)) {
      Directories.delete(target);
    }
  }
}
