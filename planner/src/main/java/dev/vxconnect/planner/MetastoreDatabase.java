package dev.vxconnect.planner;

/**
 * The PostgreSQL database of Spark's Hive metastore when the server configures it from
 * {@code vxconnect.state.jdbc.*}: one catalog for every instance. The password is never printed.
 */
public record MetastoreDatabase(String url, String user, String password) {

  @Override
  public String toString() {
    return "MetastoreDatabase{" + url + ", user " + user + "}";
  }
}
