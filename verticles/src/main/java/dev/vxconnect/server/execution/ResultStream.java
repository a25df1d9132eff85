package dev.vxconnect.server.execution;

import com.google.protobuf.ByteString;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.ServerError;
import dev.vxconnect.proto.cluster.ResultMark;
import dev.vxconnect.proto.cluster.ResultMarks;
import dev.vxconnect.server.buffer.ResponseBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * The producer's side of an operation's responses: it hands them to the operation's buffer and,
 * for a result that another instance may resume, records in the cluster where the client will stand
 * before each result (Arrow batch) response can be sent: how many result responses it will have
 * had, and their digest ({@link ResultMarks}).
 *
 * <p>Recording is a group commit: each result response goes into the buffer held, and its mark into
 * the marks to record; one cluster write at a time records every mark made so far, and when it is
 * done the buffer lets the sender go on through the responses it covers. The producer thus never
 * waits for the cluster, only, as always, for the client (held responses count in the buffer's
 * bounds); how many responses one write covers grows with how slow the writes are.
 *
 * <p>Resuming after a failover, it runs through the
 * result responses the client already has, checks that they are the same (same count, same
 * digest), and only then sends what follows; otherwise the operation fails with
 * VXCONNECT_FAILOVER.OPERATION_LOST, never with rows the client already has, or different ones.
 */
final class ResultStream implements ResponseSink {

  /** The marks kept per operation at most (a client that never releases what it read). */
  static final int MAX_MARKS = 10_000;

  /** Where a resumed result starts: the client had {@code results} result responses with this digest. */
  record ResumePoint(long results, byte[] digest) {
    static final ResumePoint START = new ResumePoint(0, new byte[0]);
  }

  private final ResponseBuffer buffer;
  private final String operationId;
  private final Optional<OperationRegistry> registry;
  private final ResumePoint resume;
  private final ResultDigest digest = new ResultDigest();
  private long results;
  private boolean recording;

  // The group commit, shared with the thread that completes a cluster write: guarded by this.
  private final Deque<ResultMark> marks = new ArrayDeque<>();

  /** The index of the last response with a mark in {@link #marks}, and of the last one recorded. */
  private long markedThrough;

  private long recordedThrough;
  private boolean writing;
  private Throwable notRecorded;

  private ResultStream(
      ResponseBuffer buffer,
      String operationId,
      Optional<OperationRegistry> registry,
      ResumePoint resume,
      Optional<ResultMark> base) {
    this.buffer = buffer;
    this.operationId = operationId;
    this.registry = registry;
    this.resume = resume;
    base.ifPresent(marks::add);
  }

  /** Responses straight to the buffer: nobody else could resume them. */
  static ResultStream unrecorded(ResponseBuffer buffer) {
    return new ResultStream(
        buffer, buffer.operationId(), Optional.empty(), ResumePoint.START, Optional.empty());
  }

  /** A result others may resume: its marks go to {@code registry}. */
  static ResultStream recorded(ResponseBuffer buffer, OperationRegistry registry) {
    return new ResultStream(
        buffer, buffer.operationId(), Optional.of(registry), ResumePoint.START, Optional.empty());
  }

  /** A result resumed after its client's last mark, {@code base} (none: the client had no result). */
  static ResultStream resumed(
      ResponseBuffer buffer, OperationRegistry registry, Optional<ResultMark> base) {
    ResumePoint point =
        base.map(m -> new ResumePoint(m.getResults(), m.getDigest().toByteArray()))
            .orElse(ResumePoint.START);
    return new ResultStream(buffer, buffer.operationId(), Optional.of(registry), point, base);
  }

  @Override
  public void holding(long deltaBytes) {
    buffer.holding(deltaBytes);
  }

  @Override
  public void reproducible(boolean maybe) {
    if (!maybe && resume.results() > 0) {
      throw ServerError.resultNotReproduced(operationId, "the query is not deterministic");
    }
    recording = maybe && registry.isPresent();
  }

  @Override
  public void send(ExecutePlanResponse response) {
    if (!response.hasArrowBatch()) {
      // Before the resume point only the schema comes, which the client has.
      if (results >= resume.results()) {
        buffer.send(response);
      }
      return;
    }
    digest.add(response.getArrowBatch());
    results++;
    if (results <= resume.results()) {
      if (results == resume.results() && !Arrays.equals(digest.value(), resume.digest())) {
        throw ServerError.resultNotReproduced(
            operationId,
            "its first " + results + " result responses differ from those sent before");
      }
      return;
    }
    if (recording) {
      mark(buffer.sendHeld(response));
    } else {
      buffer.send(response);
    }
  }

  /**
   * Checks, before the operation completes, that it got as far as its client was (a result that
   * ended before the resume point did not reproduce what the client has), and waits until every
   * result response is recorded, so that its client may have all of them.
   */
  void checkComplete() {
    if (results < resume.results()) {
      throw ServerError.resultNotReproduced(
          operationId,
          "it ended after "
              + results
              + " result responses, and its client had received "
              + resume.results());
    }
    awaitRecorded();
  }

  /** Marks response {@code index}: when the cluster has it, the client will have had {@link #results}. */
  private synchronized void mark(long index) {
    if (notRecorded != null) {
      throw notRecorded(notRecorded);
    }
    marks.addLast(
        ResultMark.newBuilder()
            .setIndex(index)
            .setResults(results)
            .setDigest(ByteString.copyFrom(digest.value()))
            .build());
    prune();
    markedThrough = index;
    if (!writing) {
      write();
    }
  }

  /** Starts the one cluster write of every mark made so far. */
  private void write() {
    writing = true;
    long covers = markedThrough;
    registry
        .orElseThrow()
        .putMarks(operationId, ResultMarks.newBuilder().addAllMarks(marks).build())
        .onComplete(done -> written(covers, done.cause()));
  }

  /** On the thread that completed the write (maybe the producer's, maybe Hazelcast's). */
  private void written(long covers, Throwable failure) {
    synchronized (this) {
      writing = false;
      if (failure != null) {
        notRecorded = failure;
        notifyAll();
      } else {
        recordedThrough = covers;
        if (markedThrough > covers) {
          write();
        }
        notifyAll();
      }
    }
    if (failure != null) {
      // A producer waiting for the client to read held responses would wait for ever.
      buffer.stopProducer(notRecorded(failure));
    } else {
      buffer.releaseHeld(covers);
    }
  }

  private synchronized void awaitRecorded() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ClusterWrites.TIMEOUT_SECONDS);
    try {
      while (notRecorded == null && recordedThrough < markedThrough) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw notRecorded(
              new TimeoutException(
                  "no answer from the cluster in " + ClusterWrites.TIMEOUT_SECONDS + " s"));
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while recording a result mark");
    }
    if (notRecorded != null) {
      throw notRecorded(notRecorded);
    }
  }

  /** Sending a response whose mark is not recorded could make a resumed result send it twice. */
  private IllegalStateException notRecorded(Throwable cause) {
    return new IllegalStateException(
        "Operation "
            + operationId
            + ": could not record where its client stands"
            + " in the cluster, so its result could not be resumed after a failover: "
            + cause,
        cause);
  }

  /**
   * Keeps what a reattaching client may need: the last mark at or before the oldest response it can
   * still come back to, and the marks after it; at most {@link #MAX_MARKS}.
   */
  private void prune() {
    long oldestPosition = buffer.firstKeptIndex() - 1;
    while (marks.size() > 1 && second().getIndex() <= oldestPosition) {
      marks.removeFirst();
    }
    while (marks.size() > MAX_MARKS) {
      marks.removeFirst();
    }
  }

  private ResultMark second() {
    Iterator<ResultMark> it = marks.iterator();
    it.next();
    return it.next();
  }
}
