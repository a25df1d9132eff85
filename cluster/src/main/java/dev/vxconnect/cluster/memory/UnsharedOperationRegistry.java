package dev.vxconnect.cluster.memory;

import dev.vxconnect.cluster.OperationRegistry;
import dev.vxconnect.proto.cluster.OperationRecord;
import dev.vxconnect.proto.cluster.ResultMarks;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * A single instance's operation registry: it records nothing, since no other instance could ever
 * take an operation over, and its own ExecutionManager knows every operation it runs.
 */
public class UnsharedOperationRegistry implements OperationRegistry {

  @Override
  public Future<Void> put(OperationRecord record) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<OperationRecord>> get(String operationId) {
    return Future.succeededFuture(Optional.empty());
  }

  @Override
  public Future<Void> remove(String operationId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> putMarks(String operationId, ResultMarks marks) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<ResultMarks>> marks(String operationId) {
    return Future.succeededFuture(Optional.empty());
  }

  @Override
  public boolean isShared() {
    return false;
  }
}
