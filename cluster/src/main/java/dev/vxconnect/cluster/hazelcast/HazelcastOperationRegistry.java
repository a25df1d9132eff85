package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.cluster.StateUnavailableException;
import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.proto.cluster.ResultMarks;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Operation records in an IMap, serialized as our protobuf, each kept for a time to live; result
 * marks in another, not written through (they are written once per result response).
 */
final class HazelcastOperationRegistry implements OperationRegistry {

  private final IMap<String, byte[]> operations;
  private final IMap<String, byte[]> marks;
  private final Blocking blocking;
  private final long ttlSeconds;

  HazelcastOperationRegistry(HazelcastInstance hazelcast, Blocking blocking, long ttlSeconds) {
    this.operations = hazelcast.getMap(HazelcastCluster.OPERATIONS);
    this.marks = hazelcast.getMap(HazelcastCluster.RESULT_MARKS);
    this.blocking = blocking;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Void> put(OperationRecord record) {
    byte[] bytes = record.toByteArray();
    return blocking.call(
        () -> {
          operations.set(record.getOperationId(), bytes, ttlSeconds, TimeUnit.SECONDS);
          return null;
        });
  }

  @Override
  public Future<Optional<OperationRecord>> get(String operationId) {
    return blocking.call(
        () -> {
          byte[] bytes = operations.get(operationId);
          return bytes == null
              ? Optional.<OperationRecord>empty()
              : Optional.of(OperationRecord.parseFrom(bytes));
        });
  }

  @Override
  public Future<Void> remove(String operationId) {
    return blocking.call(
        () -> {
          operations.delete(operationId);
          marks.delete(operationId);
          return null;
        });
  }

  /** Asynchronous in Hazelcast itself: the producer that waits for it holds no worker of ours. */
  @Override
  public Future<Void> putMarks(String operationId, ResultMarks resultMarks) {
    return Future.<Void>fromCompletionStage(
            marks.setAsync(operationId, resultMarks.toByteArray(), ttlSeconds, TimeUnit.SECONDS))
        .recover(
            failure ->
                Future.failedFuture(
                    StateUnavailableException.in(failure)
                        .<Throwable>map(lost -> lost)
                        .orElse(failure)));
  }

  @Override
  public Future<Optional<ResultMarks>> marks(String operationId) {
    return blocking.call(
        () -> {
          byte[] bytes = marks.get(operationId);
          return bytes == null
              ? Optional.<ResultMarks>empty()
              : Optional.of(ResultMarks.parseFrom(bytes));
        });
  }
}
