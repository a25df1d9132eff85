package dev.vxconnect.e2e.standalone;

import org.apache.spark.sql.api.java.UDF1;

/**
 * A Java UDF returning the id of the process it runs in. The server has never seen this class: the
 * client uploads it as a jar artifact, and the executors fetch it from the driver.
 */
public final class ExecutorPid implements UDF1<Long, Long> {
  @Override
  public Long call(Long ignored) {
    return ProcessHandle.current().pid();
  }
}
