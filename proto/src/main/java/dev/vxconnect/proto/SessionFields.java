package dev.vxconnect.proto;

import java.util.Optional;
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

  private final FieldDescriptor userContext;
  private final FieldDescriptor userId;
  private final FieldDescriptor sessionId;
  private final Optional<FieldDescriptor> observed;

  private SessionFields(Descriptor request, boolean readsObserved) {
    userContext = field(request, "user_context");
    userId = field(userContext.getMessageType(), "user_id");
    sessionId = field(request, "session_id");
    observed =
        readsObserved
            ? Optional.of(field(request, "client_observed_server_side_session_id"))
            : Optional.empty();
  }

  /** The user, the session and the server-side session id the client observed. */
  static <M extends Message> Function<M, SessionIds> withObserved(Descriptor request) {
    return new SessionFields(request, true)::read;
  }

  /** The user and the session only: the request's observed server-side session id is not read. */
  static <M extends Message> Function<M, SessionIds> withoutObserved(Descriptor request) {
    return new SessionFields(request, false)::read;
  }

  private SessionIds read(Message request) {
    Message user = (Message) request.getField(userContext);
    return SessionIds.of(
        (String) user.getField(userId),
        (String) request.getField(sessionId),
        observed.isPresent() && request.hasField(observed.get()),
        observed.map(field -> (String) request.getField(field)).orElse(""));
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field == null) {
      throw new IllegalArgumentException(type.getFullName() + " has no field " + name);
    }
    return field;
  }
}
