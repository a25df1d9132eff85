package dev.vxconnect.cluster;

import dev.vxconnect.proto.cluster.OperationRecord;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Reattachable operations known cluster-wide, by operation id, so that an instance taking a
 * session over can tell an operation lost with its instance from one that never existed, and can
 * re-execute a read-only query from its recorded request. Records expire on their own after a
 * while; a released operation is removed.
 */
public interface OperationRegistry {

  Future<Void> put(OperationRecord record);

  Future<Optional<OperationRecord>> get(String operationId);

  Future<Void> remove(String operationId);

  /** False when no other instance could ever read the records (a single instance): skip them. */
  default boolean isShared() {
    return true;
  }
}
