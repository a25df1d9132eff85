package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.proto.cluster.OperationRecord;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Operation records in an IMap, serialized as our protobuf, each kept for a time to live. */
final class HazelcastOperationRegistry implements OperationRegistry {

  private final IMap<String, byte[]> operations;
  private final Blocking blocking;
  private final long ttlSeconds;

  HazelcastOperationRegistry(HazelcastInstance hazelcast, Blocking blocking, long ttlSeconds) {
    this.operations = hazelcast.getMap(HazelcastCluster.OPERATIONS);
    this.blocking = blocking;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Future<Void> put(OperationRecord record) {
    byte[] bytes = record.toByteArray();
    return blocking.call(() -> {
      operations.set(record.getOperationId(), bytes, ttlSeconds, TimeUnit.SECONDS);
      return null;
    });
  }

  @Override
  public Future<Optional<OperationRecord>> get(String operationId) {
    return blocking.call(() -> {
      byte[] bytes = operations.get(operationId);
      return bytes == null ? Optional.<OperationRecord>empty() : Optional.of(OperationRecord.parseFrom(bytes));
    });
  }

  @Override
  public Future<Void> remove(String operationId) {
    return blocking.call(() -> {
      operations.delete(operationId);
      return null;
    });
  }
}
