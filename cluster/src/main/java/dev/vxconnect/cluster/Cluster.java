package dev.vxconnect.cluster;

import io.vertx.core.Future;

/** The shared state of the instances that form one service. */
public interface Cluster extends AutoCloseable {

  SessionStore sessions();

  /** The sessions each user holds over every instance (per-user limit). */
  SessionCounts sessionCounts();

  /** The operations each user runs on the other instances (per-user limit). */
  default OperationCounts operationCounts() {
    return OperationCounts.NONE;
  }

  ArtifactStore artifacts();

  OperationRegistry operations();

  Membership membership();

  /** Whether other instances may exist (false: a single instance, nothing to forward). */
  boolean isDistributed();

  /** Periodic upkeep of the shared records (called by the server's maintenance timer). */
  default Future<Void> maintain() {
    return Future.succeededFuture();
  }

  /** What the cluster keeps now, listing at most {@code max} keys of each kind (admin API). */
  Future<ClusterRecords> records(int max);

  /** Leaves the cluster. */
  @Override
  void close();
}
