package dev.vxconnect.planner.spark;

import java.util.function.Consumer;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Tells the server when one of a session's streaming queries ends (stopped, failed, or done, as
 * an available-now query is), so that it is no longer restarted after a failover. Spark calls it
 * on its listener bus thread, for the queries of the session it was added to.
 */
final class StreamingQueryEnds extends StreamingQueryListener {

  private final Consumer<String> ended;

  StreamingQueryEnds(Consumer<String> ended) {
    this.ended = ended;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    ended.accept(event.id().toString());
  }
}
