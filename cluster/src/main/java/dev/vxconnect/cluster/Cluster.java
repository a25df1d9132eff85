package dev.vxconnect.cluster;

/** The shared state of the instances that form one service. */
public interface Cluster extends AutoCloseable {

  SessionStore sessions();

  ArtifactStore artifacts();

  OperationRegistry operations();

  Membership membership();

  /** Whether other instances may exist (false: a single instance, nothing to forward). */
  boolean isDistributed();

  /** Leaves the cluster. */
  @Override
  void close();
}
