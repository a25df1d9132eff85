package dev.vxconnect.proto;

import java.util.function.Function;
import org.sparkproject.connect.protobuf.Descriptors.Descriptor;
import org.sparkproject.connect.protobuf.Descriptors.FieldDescriptor;
import org.sparkproject.connect.protobuf.Message;

/**
 * Reads what a request says about its session. Every Spark Connect request declares the same
 * fields ({@code user_context.user_id}, {@code session_id}, {@code
 * client_observed_server_side_session_id}) but its generated class shares no interface for them,
 * so they are found by name in the request's descriptor, once, when the method table is made: a
 * request type without them fails there, not on a call.
 */
final class SessionFields {

  private SessionFields() {}

  /** The user, the session and the server-side session id the client observed. */
  static <M extends Message> Function<M, SessionIds> withObserved(Descriptor request) {
    FieldDescriptor observed = field(request, "client_observed_server_side_session_id");
    Function<M, SessionIds> ids = withoutObserved(request);
    return message -> {
      SessionIds read = ids.apply(message);
      return SessionIds.of(
          read.userId(),
          read.sessionId(),
          message.hasField(observed),
          (String) message.getField(observed));
    };
  }

  /** The user and the session only: the request's observed server-side session id is not read. */
  static <M extends Message> Function<M, SessionIds> withoutObserved(Descriptor request) {
    FieldDescriptor userContext = field(request, "user_context");
    FieldDescriptor userId = field(userContext.getMessageType(), "user_id");
    FieldDescriptor sessionId = field(request, "session_id");
    return message ->
        SessionIds.of(
            (String) ((Message) message.getField(userContext)).getField(userId),
            (String) message.getField(sessionId),
            false,
            "");
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field == null) {
      throw new IllegalArgumentException(type.getFullName() + " has no field " + name);
    }
    return field;
  }
}
