package dev.vxconnect.server.buffer;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.SparkErrors;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.apache.spark.connect.proto.ExecutePlanResponse;

/**
 * The responses of one operation, indexed from 1, between the producer (a worker thread running
 * the plan) and the sender (an event loop writing to the client).
 *
 * <p>Bounded in bytes twice: responses not yet sent may take {@code aheadBytes} (beyond that the
 * producer waits, which slows the Spark job down to the client's pace), and responses already sent
 * are kept for a reattaching client up to {@code retainBytes} (the oldest are dropped first). A
 * single response larger than the limit is still accepted when nothing else is waiting.
 *
 * <p>A response may be added held ({@link #sendHeld}): the sender sees neither it nor anything after
 * it until {@link #releaseHeld} covers its index. A result another instance may resume is held
 * until the cluster has recorded where its client will stand; holding instead of waiting lets the
 * producer run on while one cluster write covers many responses.
 *
 * <p>The whole stream may also be held from a point on ({@link #holdFromHere}, until {@link
 * #releaseAll}): a command whose change of its session must be recorded first is heard of by its
 * client only once it is, so that a client told to retry it has seen nothing of it.
 */
public final class ResponseBuffer implements ResponseSink {

  /** Told, from the producer's thread, that something new can be read. */
  public interface Listener {
    void onAvailable();
  }

  /** One buffered response. */
  public record Entry(long index, ExecutePlanResponse response, int size) {}

  private final String operationId;
  private final String sessionId;
  private final String serverSideSessionId;
  private final long aheadBytes;
  private final long retainBytes;
  private final LongAdder heldByAll;

  private final EntryRing entries = new EntryRing();

  /** The indexes of the responses added held and not released yet, in order. */
  private final ArrayDeque<Long> held = new ArrayDeque<>();

  /** The index from which the sender sees nothing at all ({@link #holdFromHere}); MAX: none. */
  private long heldFrom = Long.MAX_VALUE;

  private long lastIndex;
  private long highestSent;
  private long unsentBytes;
  private long retainedBytes;

  /** Result bytes the producer fetched to the driver and has not handed to this buffer yet. */
  private long fetchedBytes;

  private boolean finished;
  private ErrorStatus failure;
  private RuntimeException producerStop;
  private Listener listener;
  private ProducerSlot slot = ProducerSlot.NONE;
  private LongConsumer onFirstResult = index -> {};
  private boolean resultSeen;

  public ResponseBuffer(
      String operationId, String sessionId, String serverSideSessionId, BufferLimits limits) {
    this(operationId, sessionId, serverSideSessionId, limits, 1);
  }

  /**
   * A buffer whose first response gets index {@code firstIndex}: an operation run again after a
   * failover goes on from the last response its client saw, so response ids keep increasing.
   */
  public ResponseBuffer(
      String operationId,
      String sessionId,
      String serverSideSessionId,
      BufferLimits limits,
      long firstIndex) {
    this.lastIndex = firstIndex - 1;
    this.operationId = operationId;
    this.sessionId = sessionId;
    this.serverSideSessionId = serverSideSessionId;
    this.aheadBytes = limits.aheadBytes();
    this.retainBytes = limits.retainBytes();
    this.heldByAll = limits.heldByAll();
  }

  // ---- producer side (worker thread) ----

  /**
   * Result bytes held for this operation now: fetched and not handed over yet, produced and not
   * sent, sent and kept for a reattach.
   */
  public synchronized long heldBytes() {
    return fetchedBytes + unsentBytes + retainedBytes;
  }

  @Override
  public void holding(long deltaBytes) {
    synchronized (this) {
      fetchedBytes += deltaBytes;
    }
    heldByAll.add(deltaBytes);
  }

  /**
   * Adds a response, waiting while the client is {@code aheadBytes} behind; the producer's slot is
   * given back for the wait.
   */
  @Override
  public void send(ExecutePlanResponse response) {
    add(response, false);
  }

  /**
   * As {@link #send}, but held: the sender sees neither this response nor any added after it until
   * {@link #releaseHeld} covers its index.
   *
   * @return its index
   */
  public long sendHeld(ExecutePlanResponse response) {
    return add(response, true);
  }

  /** Lets the sender go on past the held responses up to and including {@code index}. */
  public void releaseHeld(long index) {
    Listener toNotify;
    synchronized (this) {
      while (!held.isEmpty() && held.peekFirst() <= index) {
        held.removeFirst();
      }
      toNotify = listener;
    }
    notify(toNotify);
  }

  /**
   * Holds every response added from now on, progress reports and the end of the stream included,
   * until {@link #releaseAll}; if the stream fails meanwhile, they are dropped, and the client hears
   * only the error. The held responses count in the bounds: meant for the few small responses of a
   * command.
   */
  public synchronized void holdFromHere() {
    heldFrom = Math.min(heldFrom, lastIndex + 1);
  }

  /** Lets the sender go on past everything held since {@link #holdFromHere}. */
  public void releaseAll() {
    Listener toNotify;
    synchronized (this) {
      heldFrom = Long.MAX_VALUE;
      toNotify = listener;
    }
    notify(toNotify);
  }

  private long add(ExecutePlanResponse response, boolean hold) {
    Entry entry;
    synchronized (this) {
      entry = stamp(response, lastIndex + 1);
    }
    awaitRoom(entry.size());
    Listener toNotify;
    long index;
    synchronized (this) {
      checkOpen();
      index = lastIndex + 1;
      // A progress report may have taken the stamped index meanwhile.
      append(entry.index() == index ? entry : stamp(response, index));
      if (hold) {
        held.addLast(index);
        return index;
      }
      toNotify = listener;
    }
    notify(toNotify);
    return index;
  }

  private void checkOpen() {
    if (producerStop != null) {
      throw producerStop;
    }
    if (finished) {
      throw new IllegalStateException("response after the end of operation " + operationId);
    }
  }

  /** Waits until {@code size} more bytes fit ahead of the client (the stamped size: ids are of fixed length). */
  private void awaitRoom(long size) {
    boolean gaveSlot = false;
    try {
      synchronized (this) {
        while (producerStop == null && unsentBytes > 0 && unsentBytes + size > aheadBytes) {
          if (!gaveSlot) {
            slot.release();
            gaveSlot = true;
          }
          wait();
        }
        if (producerStop != null) {
          throw producerStop;
        }
      }
      if (gaveSlot) {
        // Outside the lock: the event loop must never wait for a Spark slot.
        slot.reacquire();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the client to read");
    }
  }

  /** The slot {@link #send} gives back while it waits for the client. */
  public synchronized void producerSlot(ProducerSlot slot) {
    this.slot = slot;
  }

  /**
   * Adds a response only if there is room now (for progress reports, which are worth nothing
   * late): never waits.
   *
   * @return whether it was added
   */
  public boolean offer(ExecutePlanResponse response) {
    Listener toNotify;
    synchronized (this) {
      Entry entry = stamp(response, lastIndex + 1);
      if (producerStop != null
          || finished
          || (unsentBytes > 0 && unsentBytes + entry.size() > aheadBytes)) {
        return false;
      }
      append(entry);
      toNotify = listener;
    }
    notify(toNotify);
    return true;
  }

  /** Ends the stream, after one last response if it is not null (ResultComplete). */
  public void complete(ExecutePlanResponse last) {
    Listener toNotify;
    synchronized (this) {
      if (finished) {
        return;
      }
      if (last != null) {
        append(stamp(last, lastIndex + 1));
      }
      finished = true;
      toNotify = listener;
    }
    notify(toNotify);
  }

  /** Ends the stream with an error, sent after the responses already buffered. */
  public void fail(ErrorStatus status) {
    Listener toNotify;
    synchronized (this) {
      if (finished) {
        return;
      }
      failure = status;
      finished = true;
      dropHeld();
      toNotify = listener;
    }
    notify(toNotify);
  }

  /** Wakes a waiting producer, which then fails with CancellationException. */
  public void cancel() {
    stopProducer(new CancellationException("operation was interrupted"));
  }

  /** Wakes a waiting producer, and makes this and any later response it adds throw {@code why}. */
  public synchronized void stopProducer(RuntimeException why) {
    if (producerStop == null) {
      producerStop = why;
    }
    notifyAll();
  }

  /**
   * Drops the responses the sender has not seen because they are held: an error ends the stream
   * right after what the client could already be sent.
   */
  private void dropHeld() {
    long from = Math.min(held.isEmpty() ? Long.MAX_VALUE : held.peekFirst(), heldFrom);
    held.clear();
    heldFrom = Long.MAX_VALUE;
    if (from > lastIndex) {
      return;
    }
    while (!entries.isEmpty() && entries.last().index() >= from) {
      int size = entries.removeLast().size();
      unsentBytes -= size;
      heldByAll.add(-size);
    }
    lastIndex = from - 1;
  }

  // ---- consumer side (event loop) ----

  public synchronized void attach(Listener listener) {
    this.listener = listener;
  }

  public synchronized void detach(Listener listener) {
    if (this.listener == listener) {
      this.listener = null;
    }
  }

  /**
   * The response at {@code index}, or null if it is not produced yet.
   *
   * @throws RuntimeException INVALID_CURSOR.POSITION_NOT_AVAILABLE if it was already dropped
   */
  public synchronized Entry get(long index) {
    long firstKept = firstKeptIndex();
    if (index < firstKept) {
      throw SparkErrors.raise(
          "INVALID_CURSOR.POSITION_NOT_AVAILABLE",
          Map.of("index", Long.toString(index), "responseId", ResponseIds.of(operationId, index)));
    }
    long lastSendable = Math.min(held.isEmpty() ? lastIndex : held.peekFirst() - 1, heldFrom - 1);
    return index <= lastSendable ? entries.get(index - firstKept) : null;
  }

  /** Records that response {@code index} went to the client, and drops what needn't be kept. */
  public void sent(long index) {
    synchronized (this) {
      Entry first = entries.first();
      for (long i = Math.max(highestSent + 1, first == null ? index + 1 : first.index());
          i <= index;
          i++) {
        int size = entries.get(i - first.index()).size();
        unsentBytes -= size;
        retainedBytes += size;
      }
      highestSent = Math.max(highestSent, index);
      // Keep at least the last sent response, as Spark does, so a reattach can name it.
      while (retainedBytes > retainBytes
          && entries.size() > 1
          && entries.first().index() < highestSent) {
        int size = entries.removeFirst().size();
        retainedBytes -= size;
        heldByAll.add(-size);
      }
      notifyAll();
    }
  }

  /**
   * The index of the oldest response still kept: the client cannot come back to a position before
   * it (it released it, or it was dropped for room).
   */
  public synchronized long firstKeptIndex() {
    Entry first = entries.first();
    return first != null ? first.index() : lastIndex + 1;
  }

  /** True when every response up to {@code nextIndex - 1} is all there will be. */
  public synchronized boolean isEnd(long nextIndex) {
    return finished && nextIndex > lastIndex;
  }

  /** The error that ends the stream, if any. */
  public synchronized ErrorStatus failure() {
    return failure;
  }

  /**
   * The index of {@code responseId} in this stream.
   *
   * @throws RuntimeException INVALID_CURSOR.POSITION_NOT_FOUND if it names no response of it
   */
  public synchronized long indexOf(String responseId) {
    OptionalLong index = ResponseIds.indexOf(operationId, responseId);
    if (index.isEmpty() || index.getAsLong() > lastIndex) {
      throw SparkErrors.raise(
          "INVALID_CURSOR.POSITION_NOT_FOUND", Map.of("responseId", responseId));
    }
    return index.getAsLong();
  }

  /** Drops every response up to and including {@code index}: the client will not ask again. */
  public synchronized void releaseUntil(long index) {
    while (!entries.isEmpty() && entries.first().index() <= index) {
      Entry e = entries.removeFirst();
      if (e.index() > highestSent) {
        unsentBytes -= e.size();
      } else {
        retainedBytes -= e.size();
      }
      heldByAll.add(-e.size());
    }
    notifyAll();
  }

  public String operationId() {
    return operationId;
  }

  /** The response with this stream's ids, as entry {@code index}; sized as it will be sent. */
  private Entry stamp(ExecutePlanResponse response, long index) {
    ExecutePlanResponse stamped =
        response.toBuilder()
            .setSessionId(sessionId)
            .setServerSideSessionId(serverSideSessionId)
            .setOperationId(operationId)
            .setResponseId(ResponseIds.of(operationId, index))
            .build();
    return new Entry(index, stamped, stamped.getSerializedSize());
  }

  /** Told (on the producer's thread) the index of the first Arrow batch, once. */
  public synchronized void onFirstResult(LongConsumer hook) {
    this.onFirstResult = hook;
  }

  private void append(Entry entry) {
    if (!resultSeen && entry.response().hasArrowBatch()) {
      resultSeen = true;
      onFirstResult.accept(entry.index());
    }
    lastIndex = entry.index();
    entries.addLast(entry);
    unsentBytes += entry.size();
    heldByAll.add(entry.size());
  }

  private static void notify(Listener listener) {
    if (listener != null) {
      listener.onAvailable();
    }
  }
}
