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
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * The producer's side of an operation's responses: it hands them to the operation's buffer and,
 * for a result that another instance may resume, records in the cluster where the client will stand
 * before each result (Arrow batch) response can be sent: how many result responses it will have
 * had, and their digest ({@link ResultMarks}). Resuming after a failover, it runs through the
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
  private final Deque<ResultMark> marks = new ArrayDeque<>();
  private long results;
  private boolean recording;

  private ResultStream(ResponseBuffer buffer, String operationId, Optional<OperationRegistry> registry,
      ResumePoint resume, Optional<ResultMark> base) {
    this.buffer = buffer;
    this.operationId = operationId;
    this.registry = registry;
    this.resume = resume;
    base.ifPresent(marks::add);
  }

  /** Responses straight to the buffer: nobody else could resume them. */
  static ResultStream unrecorded(ResponseBuffer buffer) {
    return new ResultStream(buffer, buffer.operationId(), Optional.empty(), ResumePoint.START, Optional.empty());
  }

  /** A result others may resume: its marks go to {@code registry}. */
  static ResultStream recorded(ResponseBuffer buffer, OperationRegistry registry) {
    return new ResultStream(buffer, buffer.operationId(), Optional.of(registry), ResumePoint.START, Optional.empty());
  }

  /** A result resumed after its client's last mark, {@code base} (none: the client had no result). */
  static ResultStream resumed(ResponseBuffer buffer, OperationRegistry registry, Optional<ResultMark> base) {
    ResumePoint point = base.map(m -> new ResumePoint(m.getResults(), m.getDigest().toByteArray()))
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
        throw ServerError.resultNotReproduced(operationId,
            "its first " + results + " result responses differ from those sent before");
      }
      return;
    }
    if (recording) {
      buffer.send(response, this::record);
    } else {
      buffer.send(response);
    }
  }

  /**
   * Checks, before the operation completes, that it got as far as its client was: a result that
   * ended before the resume point did not reproduce what the client has.
   */
  void checkComplete() {
    if (results < resume.results()) {
      throw ServerError.resultNotReproduced(operationId, "it ended after " + results
          + " result responses, and its client had received " + resume.results());
    }
  }

  /** Records, before response {@code index} can be sent, that the client will then have had {@link #results}. */
  private void record(long index) {
    ResultMark mark = ResultMark.newBuilder().setIndex(index).setResults(results)
        .setDigest(ByteString.copyFrom(digest.value())).build();
    // A progress report may have taken the index meanwhile: this mark replaces the one made for it.
    if (!marks.isEmpty() && marks.peekLast().getResults() == results) {
      marks.removeLast();
    }
    marks.addLast(mark);
    prune();
    try {
      ClusterWrites.await(registry.orElseThrow().putMarks(operationId,
          ResultMarks.newBuilder().addAllMarks(marks).build()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted while recording a result mark");
    } catch (Exception e) {
      // Sending a response whose mark is not recorded could make a resumed result send it twice.
      throw new IllegalStateException("Operation " + operationId + ": could not record where its client stands"
          + " in the cluster, so its result could not be resumed after a failover: " + e, e);
    }
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
