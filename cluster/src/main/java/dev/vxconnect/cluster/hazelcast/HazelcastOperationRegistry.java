package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.proto.cluster.OperationRecord;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Operation records in an IMap, serialized as our protobuf, each kept for a time to live. */
final class HazelcastOperationRegistry implements OperationRegistry {

  private final IMap<String, byte[]> operations;
  private final WorkerExecutor blocking;
  private final long ttlSeconds;

  HazelcastOperationRegistry(HazelcastInstance hazelcast, WorkerExecutor blocking, long ttlSeconds) {
    this.operations = hazelcast.getMap(HazelcastCluster.OPERATIONS);
    this.blocking = blocking;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Void> put(OperationRecord record) {
    byte[] bytes = record.toByteArray();
    return blocking.executeBlocking(() -> {
      operations.set(record.getOperationId(), bytes, ttlSeconds, TimeUnit.SECONDS);
      return null;
    }, false);
  }

  @Override
  public Future<Optional<OperationRecord>> get(String operationId) {
    return blocking.executeBlocking(() -> {
      byte[] bytes = operations.get(operationId);
      return bytes == null ? Optional.<OperationRecord>empty() : Optional.of(OperationRecord.parseFrom(bytes));
    }, false);
  }

  @Override
  public Future<Void> remove(String operationId) {
    return blocking.executeBlocking(() -> {
      operations.delete(operationId);
      return null;
    }, false);
  }
}
