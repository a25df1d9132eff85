package dev.vxconnect.cluster;

/**
 * The operations each user runs on the other instances, so that a per-user operation limit holds
 * over the cluster. Each instance counts its own exactly and publishes the count on every change;
 * it reads the others' from a local view fed by their publications, so that admitting an
 * operation never waits for the network. The view is milliseconds behind: operations started at
 * the same moment on several instances can together pass the limit by the ones racing. An
 * instance that is gone counts for nothing at once (its operations went with it).
 */
public interface OperationCounts {

  /** Publishes how many operations of the user run on this instance now (asynchronously). */
  void publish(String userId, int running);

  /** The user's operations on the other live instances, as they last published them. */
  int elsewhere(String userId);

  /** A single instance: nobody else runs anything. */
  OperationCounts NONE =
      new OperationCounts() {
        @Override
        public void publish(String userId, int running) {}

        @Override
        public int elsewhere(String userId) {
          return 0;
        }
      };
}
