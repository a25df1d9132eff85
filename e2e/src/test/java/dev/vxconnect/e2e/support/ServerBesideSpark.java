package dev.vxconnect.e2e.support;

import dev.vxconnect.testkit.ServerProcess;
import java.util.concurrent.CompletableFuture;

/**
 * A vxconnect server and Apache Spark's own Connect server beside it, whose answers are the
 * expected ones. They start at once: each start is mostly waiting.
 */
public final class ServerBesideSpark implements AutoCloseable {

  private final ServerProcess vxconnect;
  private final ServerProcess spark;

  private ServerBesideSpark(ServerProcess vxconnect, ServerProcess spark) {
    this.vxconnect = vxconnect;
    this.spark = spark;
  }

  /** Starts both; if either start fails, the one that started is closed. */
  public static ServerBesideSpark start(
      Sneaky.Call<ServerProcess> spark, Sneaky.Call<ServerProcess> vxconnect) throws Exception {
    CompletableFuture<ServerProcess> sparkStart =
        CompletableFuture.supplyAsync(() -> Sneaky.call(spark));
    ServerProcess started;
    try {
      started = vxconnect.call();
    } catch (Exception | Error e) {
      sparkStart.thenAccept(ServerProcess::close).exceptionally(ignored -> null).join();
      throw e;
    }
    try {
      return new ServerBesideSpark(started, sparkStart.join());
    } catch (RuntimeException | Error e) {
      started.close();
      throw e;
    }
  }

  public ServerProcess vxconnect() {
    return vxconnect;
  }

  public ServerProcess spark() {
    return spark;
  }

  @Override
  public void close() {
    try {
      vxconnect.close();
    } finally {
      spark.close();
    }
  }
}
