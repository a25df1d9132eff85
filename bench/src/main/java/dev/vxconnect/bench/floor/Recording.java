package dev.vxconnect.bench.floor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.sparkproject.com.google.protobuf.Descriptors.FieldDescriptor;
import org.sparkproject.com.google.protobuf.Message;

/**
 * What a real server answered to the official client, by request. A request is looked up by its
 * content without what differs from one call to the next of the same program: the session and
 * operation ids the client makes up, and the plan ids it numbers its relations with.
 */
final class Recording {

  /** Fields whose values change between two runs of the same client program. */
  private static final Set<String> VARIABLE =
      Set.of("session_id", "operation_id", "client_observed_server_side_session_id", "plan_id");

  /** ExecutePlan: every response of the operation, in order, across reattaches. */
  private final Map<Message, List<ExecutePlanResponse>> executions = new ConcurrentHashMap<>();

  /** While recording: the response list of each operation id. */
  private final Map<String, List<ExecutePlanResponse>> byOperation = new ConcurrentHashMap<>();

  /** AnalyzePlan and Config: the one response. */
  private final Map<Message, Message> unary = new ConcurrentHashMap<>();

  void startExecution(Message request, String operationId) {
    List<ExecutePlanResponse> responses = Collections.synchronizedList(new ArrayList<>());
    byOperation.put(operationId, responses);
    executions.put(key(request), responses);
  }

  void executeResponse(String operationId, ExecutePlanResponse response) {
    List<ExecutePlanResponse> responses = byOperation.get(operationId);
    if (responses != null) {
      responses.add(response);
    }
  }

  void unaryResponse(Message request, Message response) {
    unary.put(key(request), response);
  }

  /** The responses recorded for an ExecutePlan request like this one, or null. */
  List<ExecutePlanResponse> execution(Message request) {
    return executions.get(key(request));
  }

  /** The response recorded for an AnalyzePlan or Config request like this one, or null. */
  Message unary(Message request) {
    return unary.get(key(request));
  }

  /** Recording done: the lists become fixed arrays, and the per-operation index goes. */
  void freeze() {
    executions.replaceAll((k, v) -> List.copyOf(v));
    byOperation.clear();
  }

  String describe() {
    long bytes =
        executions.values().stream()
            .flatMap(List::stream)
            .mapToLong(ExecutePlanResponse::getSerializedSize)
            .sum();
    return executions.size()
        + " ExecutePlan requests ("
        + bytes
        + " response bytes), "
        + unary.size()
        + " AnalyzePlan/Config requests";
  }

  /** The request without its {@link #VARIABLE} fields, at any depth; messages compare by content. */
  static Message key(Message request) {
    Message.Builder builder = request.toBuilder();
    clear(builder);
    return builder.build();
  }

  private static void clear(Message.Builder builder) {
    for (Map.Entry<FieldDescriptor, Object> e : builder.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      if (VARIABLE.contains(field.getName())) {
        builder.clearField(field);
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (field.isRepeated()) {
          for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
            builder.setRepeatedField(
                field, i, cleared((Message) builder.getRepeatedField(field, i)));
          }
        } else {
          builder.setField(field, cleared((Message) e.getValue()));
        }
      }
    }
  }

  private static Message cleared(Message message) {
    Message.Builder builder = message.toBuilder();
    clear(builder);
    return builder.build();
  }
}
