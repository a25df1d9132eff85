package dev.vxconnect.e2e.udf;

import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;

/**
 * Java UDFs defined in the test program. The server has never seen these classes: the client
 * uploads them as a jar artifact, and the server loads them in the session's class loader.
 */
public final class Udfs {

  private Udfs() {}

  public static final class TimesTwo implements UDF1<Long, Long> {
    @Override
    public Long call(Long x) {
      return x == null ? null : x * 2;
    }
  }

  public static final class Greeting implements UDF2<String, Integer, String> {
    @Override
    public String call(String name, Integer times) {
      return name == null ? null : ("hello " + name + " ").repeat(times).trim();
    }
  }
}
