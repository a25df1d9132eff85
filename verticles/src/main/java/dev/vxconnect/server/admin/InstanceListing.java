package dev.vxconnect.server.admin;

import dev.vxconnect.server.session.Operation;
import dev.vxconnect.server.session.Session;
import dev.vxconnect.server.session.SessionManager;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * This instance's live sessions, newest first, each with its operations: built from in-memory
 * state (no blocking call), as the admin service answers it and the other instances ask for it.
 */
final class InstanceListing {

  private final SessionManager sessions;

  InstanceListing(SessionManager sessions) {
    this.sessions = sessions;
  }

  JsonObject build() {
    long now = System.currentTimeMillis();
    JsonArray list = new JsonArray();
    List<Session> live =
        sessions.live().stream()
            .sorted(Comparator.comparingLong(Session::createdAtMs).reversed())
            .toList();
    for (Session session : live) {
      JsonArray operations = new JsonArray();
      for (Operation op : session.operations()) {
        operations.add(
            new JsonObject()
                .put("operationId", op.id())
                .put("state", op.state().name())
                .put("ageMs", now - op.createdAtMs())
                .put("bufferedBytes", op.buffer().heldBytes())
                .put("reattachable", op.reattachable())
                .put("attached", op.detachedSinceMs() < 0)
                .put("tags", new JsonArray(List.copyOf(op.tags()))));
      }
      list.add(
          new JsonObject()
              .put("sessionId", session.sessionId())
              .put("userId", session.userId())
              .put("serverSideSessionId", session.serverSideSessionId())
              .put("instance", sessions.self())
              .put("ageMs", now - session.createdAtMs())
              .put("idleMs", now - session.lastAccessMs())
              .put("operations", operations));
    }
    return new JsonObject().put("instance", sessions.self()).put("sessions", list);
  }
}
