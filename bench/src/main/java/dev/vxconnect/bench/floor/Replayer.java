package dev.vxconnect.bench.floor;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.ReleaseExecuteResponse;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.ReleaseSessionResponse;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.sparkproject.com.google.protobuf.Message;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.stub.ServerCallStreamObserver;
import org.sparkproject.io.grpc.stub.StreamObserver;

/**
 * The floor's answers: what the {@link Recording} holds, with the request's session id and
 * operation id and this floor's server-side session id put in, and nothing else done. Runs on the
 * transport's own threads (it never blocks) and sends an execution's responses as fast as the
 * client's flow control lets it.
 */
final class Replayer extends SparkConnectServiceGrpc.SparkConnectServiceImplBase {

  private final Recording recording;

  /** Client session id to this floor's server-side session id, as a real server keeps one. */
  private final Map<String, String> sessions = new ConcurrentHashMap<>();

  /** Operations not yet released, for ReattachExecute. */
  private final Map<String, List<ExecutePlanResponse>> operations = new ConcurrentHashMap<>();

  Replayer(Recording recording) {
    this.recording = recording;
  }

  @Override
  public void executePlan(ExecutePlanRequest request, StreamObserver<ExecutePlanResponse> out) {
    List<ExecutePlanResponse> responses = recording.execution(request);
    if (responses == null) {
      out.onError(notRecorded(request));
      return;
    }
    String operationId =
        request.hasOperationId() ? request.getOperationId() : UUID.randomUUID().toString();
    operations.put(operationId, responses);
    send(out, responses, 0, request.getSessionId(), operationId);
  }

  @Override
  public void reattachExecute(
      ReattachExecuteRequest request, StreamObserver<ExecutePlanResponse> out) {
    List<ExecutePlanResponse> responses = operations.get(request.getOperationId());
    if (responses == null) {
      out.onError(
          Status.NOT_FOUND
              .withDescription("INVALID_HANDLE.OPERATION_NOT_FOUND " + request.getOperationId())
              .asRuntimeException());
      return;
    }
    int from = 0;
    if (request.hasLastResponseId()) {
      for (int i = 0; i < responses.size(); i++) {
        if (responses.get(i).getResponseId().equals(request.getLastResponseId())) {
          from = i + 1;
        }
      }
    }
    send(out, responses, from, request.getSessionId(), request.getOperationId());
  }

  @Override
  public void releaseExecute(
      ReleaseExecuteRequest request, StreamObserver<ReleaseExecuteResponse> out) {
    if (request.hasReleaseAll()) {
      operations.remove(request.getOperationId());
    }
    out.onNext(
        ReleaseExecuteResponse.newBuilder()
            .setSessionId(request.getSessionId())
            .setServerSideSessionId(serverSideId(request.getSessionId()))
            .setOperationId(request.getOperationId())
            .build());
    out.onCompleted();
  }

  @Override
  public void releaseSession(
      ReleaseSessionRequest request, StreamObserver<ReleaseSessionResponse> out) {
    String serverSide = serverSideId(request.getSessionId());
    sessions.remove(request.getSessionId());
    out.onNext(
        ReleaseSessionResponse.newBuilder()
            .setSessionId(request.getSessionId())
            .setServerSideSessionId(serverSide)
            .build());
    out.onCompleted();
  }

  @Override
  public void analyzePlan(AnalyzePlanRequest request, StreamObserver<AnalyzePlanResponse> out) {
    unary(request, request.getSessionId(), out);
  }

  @Override
  public void config(ConfigRequest request, StreamObserver<ConfigResponse> out) {
    unary(request, request.getSessionId(), out);
  }

  @SuppressWarnings("unchecked")
  private <R extends Message> void unary(Message request, String sessionId, StreamObserver<R> out) {
    Message recorded = recording.unary(request);
    if (recorded == null) {
      out.onError(notRecorded(request));
      return;
    }
    Message.Builder builder = recorded.toBuilder();
    var type = recorded.getDescriptorForType();
    builder.setField(type.findFieldByName("session_id"), sessionId);
    builder.setField(type.findFieldByName("server_side_session_id"), serverSideId(sessionId));
    out.onNext((R) builder.build());
    out.onCompleted();
  }

  private String serverSideId(String sessionId) {
    return sessions.computeIfAbsent(sessionId, s -> UUID.randomUUID().toString());
  }

  /**
   * Sends {@code responses} from index {@code from}, each as soon as the call is ready for it (the
   * client's HTTP/2 window), then completes: the on-ready handler resumes where it stopped.
   */
  private void send(
      StreamObserver<ExecutePlanResponse> out,
      List<ExecutePlanResponse> responses,
      int from,
      String sessionId,
      String operationId) {
    ServerCallStreamObserver<ExecutePlanResponse> call =
        (ServerCallStreamObserver<ExecutePlanResponse>) out;
    String serverSide = serverSideId(sessionId);
    Runnable pump =
        new Runnable() {
          private int next = from;
          private boolean done;

          @Override
          public synchronized void run() {
            while (!done && next < responses.size() && call.isReady()) {
              call.onNext(
                  responses.get(next++).toBuilder()
                      .setSessionId(sessionId)
                      .setServerSideSessionId(serverSide)
                      .setOperationId(operationId)
                      .build());
            }
            if (!done && next == responses.size()) {
              done = true;
              call.onCompleted();
            }
          }
        };
    call.setOnCancelHandler(() -> {});
    call.setOnReadyHandler(pump);
    pump.run();
  }

  private static RuntimeException notRecorded(Message request) {
    String text = request.toString();
    return Status.UNIMPLEMENTED
        .withDescription(
            "floor: nothing recorded for this request: "
                + text.substring(0, Math.min(600, text.length())))
        .asRuntimeException();
  }
}
