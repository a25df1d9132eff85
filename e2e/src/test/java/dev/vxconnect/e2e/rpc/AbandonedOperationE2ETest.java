package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vxconnect.e2e.support.RawGrpc;
import dev.vxconnect.testkit.ServerProcess;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.UserContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkproject.io.grpc.Context;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * A reattachable operation whose client goes away and never comes back is abandoned after the
 * detached timeout: interrupted, freed, and its id tombstoned (OPERATION_ABANDONED on reuse).
 */
@Timeout(300)
class AbandonedOperationE2ETest {

  private final UserContext user = RawGrpc.user("carol");

  private ExecutePlanRequest slowQuery(String session, String operation) {
    return RawGrpc.execute(
            session,
            user,
            RawGrpc.sqlQuery(
                "select java_method('java.lang.Thread', 'sleep', 120000L) as slept from range(1)"))
        .setOperationId(operation)
        .addRequestOptions(RawGrpc.reattachable(true))
        .build();
  }

  private static Optional<String> errorClass(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    return failure == null ? Optional.empty() : RawGrpc.errorClass(failure);
  }

  @Test
  void detachedOperationIsAbandonedAndItsIdTombstoned() throws Exception {
    try (ServerProcess server =
            ServerProcess.start(
                "abandoned",
                List.of(
                    "spark.connect.execute.manager.detachedTimeout=2s",
                    "spark.connect.execute.manager.maintenanceInterval=500ms"));
        RawGrpc grpc = new RawGrpc(server.port())) {
      String session = RawGrpc.newSessionId();
      String operation = UUID.randomUUID().toString();
      Context.CancellableContext call = Context.current().withCancellation();
      ExecutePlanResponse first =
          call.call(
              () -> {
                Iterator<ExecutePlanResponse> stream =
                    grpc.stub().executePlan(slowQuery(session, operation));
                return stream.next();
              });
      assertThat(first.hasSchema()).isTrue();
      call.cancel(null);

      ReattachExecuteRequest reattach =
          ReattachExecuteRequest.newBuilder()
              .setSessionId(session)
              .setUserContext(user)
              .setOperationId(operation)
              .setLastResponseId(first.getResponseId())
              .build();
      // Reattaching would keep it alive: wait until the server says it gave up on it.
      String abandonedLine = "Operation " + operation + " of session " + session + " abandoned";
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!server.logText().contains(abandonedLine) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Context.CancellableContext probe = Context.current().withCancellation();
      Optional<String> error =
          probe.call(() -> errorClass(() -> grpc.stub().reattachExecute(reattach).hasNext()));
      probe.cancel(null);
      assertThat(error)
          .as("reattaching to the abandoned operation")
          .contains("INVALID_HANDLE.OPERATION_ABANDONED");
      assertThat(
              errorClass(
                  () ->
                      grpc.stub()
                          .executePlan(slowQuery(session, operation))
                          .forEachRemaining(r -> {})))
          .as("running it again under the same id")
          .contains("INVALID_HANDLE.OPERATION_ABANDONED");
    }
  }
}
