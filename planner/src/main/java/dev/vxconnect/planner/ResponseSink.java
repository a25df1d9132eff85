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
}
