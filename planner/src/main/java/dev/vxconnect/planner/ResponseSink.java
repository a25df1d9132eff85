package dev.vxconnect.planner;

import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * Where an execution puts its responses, in order. The planner fills in only the payload; the
 * server stamps session, operation and response ids. {@link #send} may block while the consumer is
 * behind: that wait is how a slow client slows its own query.
 */
public interface ResponseSink {

  /**
   * Hands over one response.
   *
   * @throws java.util.concurrent.CancellationException when the operation was interrupted, also
   *     while waiting for room
   */
  void send(ExecutePlanResponse response);

  /**
   * Accounts result bytes the execution holds on the driver before handing them over (partitions
   * fetched from the executors and not sent yet): positive when they arrive, negative when they are
   * sent or dropped, so that the server counts them with its buffers.
   */
  default void holding(long deltaBytes) {}

  /**
   * Told, before the first result (Arrow batch) response, whether the plan may give the same
   * responses when run again: false when Catalyst knows it is not deterministic (rand(), uuid(),
   * shuffle()...). True promises nothing: a resumed result is still checked response by response.
   */
  default void reproducible(boolean maybe) {}
}
