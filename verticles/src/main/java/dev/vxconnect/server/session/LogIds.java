package dev.vxconnect.server.session;

import org.slf4j.spi.LoggingEventBuilder;

/**
 * The ids a log event is about, as key-values of the event ({@code user}, {@code session},
 * {@code operation}): log4j puts them in the event's context map for the event only, so the
 * pattern layout shows them ({@code %X}) and the JSON layout (conf/log4j2-json.properties) writes
 * them as fields, whatever the message says. Usage: {@code LogIds.of(LOG.atInfo(), op).log(...)}.
 */
public final class LogIds {

  public static final String USER = "user";
  public static final String SESSION = "session";
  public static final String OPERATION = "operation";

  private LogIds() {}

  public static LoggingEventBuilder of(LoggingEventBuilder event, SessionKey session) {
    return event.addKeyValue(USER, session.userId()).addKeyValue(SESSION, session.sessionId());
  }

  public static LoggingEventBuilder of(LoggingEventBuilder event, Session session) {
    return of(event, session.key());
  }

  public static LoggingEventBuilder of(
      LoggingEventBuilder event, Session session, String operationId) {
    return of(event, session.key()).addKeyValue(OPERATION, operationId);
  }

  public static LoggingEventBuilder of(LoggingEventBuilder event, Operation operation) {
    return of(event, operation.session(), operation.id());
  }
}
