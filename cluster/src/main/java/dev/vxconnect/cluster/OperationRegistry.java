package dev.vxconnect.cluster;

import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.proto.cluster.ResultMarks;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Reattachable operations known cluster-wide, by operation id, so that an instance taking a
 * session over can tell an operation lost with its instance from one that never existed, and can
 * re-execute a read-only query from its recorded request, and, for a result its re-execution
 * reproduces, where its client stands in it ({@link ResultMarks}). Records expire on their own after
 * a while; a released operation is removed with its marks.
 */
public interface OperationRegistry {

  Future<Void> put(OperationRecord record);

  Future<Optional<OperationRecord>> get(String operationId);

  /** Removes the operation's record and its result marks. */
  Future<Void> remove(String operationId);

  /**
   * Replaces the operation's result marks. Not written through to a database: marks serve a
   * failover, while the other instances live (Hazelcast keeps a backup).
   */
  Future<Void> putMarks(String operationId, ResultMarks marks);

  Future<Optional<ResultMarks>> marks(String operationId);

  /** False when no other instance could ever read the records (a single instance): skip them. */
  default boolean isShared() {
    return true;
  }
}
