package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ResponseSink;

/**
 * The Arrow bytes of a result that are on the driver and not handed to the sink yet, reported to
 * the sink as they come and go. Partitions arrive on Spark's scheduler thread, possibly after the
 * stream gave up on its job; once closed, late arrivals are not counted, so the account always
 * returns to what it was.
 */
final class FetchedBytes {

  private final ResponseSink sink;
  private long held;
  private boolean closed;

  FetchedBytes(ResponseSink sink) {
    this.sink = sink;
  }

  synchronized void arrived(ArrowBatch[] batches) {
    if (!closed) {
      long bytes = 0;
      for (ArrowBatch batch : batches) {
        bytes += batch.data().size();
      }
      held += bytes;
      sink.holding(bytes);
    }
  }

  synchronized void sent(ArrowBatch batch) {
    if (!closed) {
      held -= batch.data().size();
      sink.holding(-batch.data().size());
    }
  }

  /** Gives back whatever is still counted (the stream ended, failed or was interrupted). */
  synchronized void close() {
    closed = true;
    sink.holding(-held);
    held = 0;
  }
}
