package dev.vxconnect.e2e.parity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.sparkproject.com.google.protobuf.Any;
import org.sparkproject.com.google.protobuf.ByteString;
import org.sparkproject.com.google.protobuf.Descriptors.EnumValueDescriptor;
import org.sparkproject.com.google.protobuf.Descriptors.FieldDescriptor;
import org.sparkproject.com.google.protobuf.InvalidProtocolBufferException;
import org.sparkproject.com.google.protobuf.Message;
import org.sparkproject.com.google.rpc.ErrorInfo;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.protobuf.StatusProto;

/**
 * A session's recorded calls as text in which two servers' answers to the same program can be
 * compared: every field of every response message, by its protobuf field name, except what is
 * allowed to differ between two runs of the same program (see {@link #LEFT_OUT}); the end of each
 * call (status code, description, and the {@code google.rpc.Status} details with ErrorInfo read
 * out). Generic over the descriptors, so it works with every client version's message classes.
 */
final class Transcript {

  /**
   * Fields left out wherever they occur: ids that are new on every run (operation, response,
   * session ids, the server-side session id), metrics and progress (timings, row counts per
   * operator, execution times), plan ids (the client numbers plans across all its sessions, so the
   * second run of a program has other ones), and the JVM stack traces of FetchErrorDetails (each server's own
   * call stack).
   */
  static final Set<String> LEFT_OUT =
      Set.of(
          "session_id",
          "server_side_session_id",
          "operation_id",
          "response_id",
          "metrics",
          "execution_progress",
          "stack_trace",
          "plan_id");

  private static final Set<String> IDS =
      Set.of("session_id", "server_side_session_id", "operation_id", "response_id");

  /** ErrorInfo metadata left out: the id of the error (new each time) and a server stack trace. */
  static final Set<String> LEFT_OUT_METADATA = Set.of("errorId", "stackTrace");

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** Expression ids (#12, #12L) and plan ids: counters of each server's JVM. */
  private static final Pattern EXPRESSION_ID = Pattern.compile("#\\d+L?\\b");

  private static final Pattern PLAN_ID = Pattern.compile("plan_id=\\d+");

  /** Java's identity strings of arrays and objects (a byte[] in a Row's text). */
  private static final Pattern IDENTITY = Pattern.compile("\\[B@[0-9a-f]+");

  /**
   * Each server's own warehouse directory (see SparkServerProcess / ServerProcess defaults), in
   * server-logs or in the subdirectory of its run (ServerProcess.logDirectory()).
   */
  private static final Pattern WAREHOUSE =
      Pattern.compile("(file:)?/[^\\s,'\"\\]]*/server-logs/([\\w-]+/)?[\\w-]+-warehouse");

  private Transcript() {}

  /** The text of these calls. */
  static String of(List<ResponseRecorder.Call> calls) {
    StringBuilder out = new StringBuilder();
    for (ResponseRecorder.Call call : calls) {
      out.append("== ").append(call.method).append('\n');
      long arrowRows = -1;
      for (Object response : call.responses) {
        Message message = (Message) response;
        Long rows = arrowRows(message);
        if (rows != null) {
          arrowRows = Math.max(arrowRows, 0) + rows;
          continue;
        }
        StringBuilder rendered = new StringBuilder();
        render(message, "  ", rendered);
        if (rendered.isEmpty()) {
          // Nothing compared but a left-out field: say which (metrics where the sequence has
          // them), except progress reports, which are sent by time.
          List<String> only =
              message.getAllFields().keySet().stream()
                  .map(FieldDescriptor::getName)
                  .filter(name -> !IDS.contains(name))
                  .sorted()
                  .toList();
          if (only.equals(List.of("execution_progress"))) {
            continue;
          }
          rendered.append("  (").append(String.join(", ", only)).append(")\n");
        }
        arrowRows = flushArrow(out, arrowRows);
        out.append(rendered).append("  --\n");
      }
      flushArrow(out, arrowRows);
      if (call.status == null) {
        out.append("  (no end recorded)\n");
      } else if (disconnectedAfterCompletion(call)) {
        out.append("  status OK\n");
      } else {
        out.append("  status ").append(call.status.getCode());
        if (call.status.getDescription() != null) {
          out.append(": ").append(normalize(call.status.getDescription()));
        }
        out.append('\n');
        var details = StatusProto.fromStatusAndTrailers(call.status, call.trailers);
        if (details != null) {
          for (Any any : details.getDetailsList()) {
            renderDetail(any, out);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Spark's own server ends a stream that already sent {@code result_complete} with
   * INVALID_CURSOR.DISCONNECTED when the client's ReleaseExecute for it arrives before the stream's
   * own end (a race of its response sender; the client has every response and ignores it). Seen
   * now and then on a loaded machine; read as the normal end it stands for.
   */
  private static boolean disconnectedAfterCompletion(ResponseRecorder.Call call) {
    if (call.status.getCode() != Status.Code.INTERNAL
        || call.responses.isEmpty()
        || call.status.getDescription() == null
        || !call.status.getDescription().startsWith("[INVALID_CURSOR.DISCONNECTED]")) {
      return false;
    }
    Message last = (Message) call.responses.get(call.responses.size() - 1);
    FieldDescriptor complete = last.getDescriptorForType().findFieldByName("result_complete");
    return complete != null && last.hasField(complete);
  }

  /**
   * Arrow batches are compared by their total row count, not batch by batch: how a result is cut
   * into batches is the server's (vxconnect builds them per partition on the executors, in windows
   * of partitions), and the rows themselves are compared through what the program collects.
   */
  private static Long arrowRows(Message message) {
    FieldDescriptor batch = message.getDescriptorForType().findFieldByName("arrow_batch");
    if (batch == null || !message.hasField(batch)) {
      return null;
    }
    Message arrow = (Message) message.getField(batch);
    return (Long) arrow.getField(arrow.getDescriptorForType().findFieldByName("row_count"));
  }

  private static long flushArrow(StringBuilder out, long rows) {
    if (rows >= 0) {
      out.append("  arrow_batch rows: ").append(rows).append("\n  --\n");
    }
    return -1;
  }

  private static void renderDetail(Any any, StringBuilder out) {
    if (any.getTypeUrl().endsWith("/google.rpc.ErrorInfo")) {
      try {
        ErrorInfo info = ErrorInfo.parseFrom(any.getValue());
        out.append("  ErrorInfo reason: ")
            .append(info.getReason())
            .append(", domain: ")
            .append(info.getDomain())
            .append('\n');
        info.getMetadataMap().entrySet().stream()
            .filter(e -> !LEFT_OUT_METADATA.contains(e.getKey()))
            .sorted(Map.Entry.comparingByKey())
            .forEach(
                e ->
                    out.append("    ")
                        .append(e.getKey())
                        .append(": ")
                        .append(normalize(e.getValue()))
                        .append('\n'));
        return;
      } catch (InvalidProtocolBufferException e) {
        out.append("  unreadable ErrorInfo\n");
        return;
      }
    }
    out.append("  detail ")
        .append(any.getTypeUrl())
        .append(' ')
        .append(digest(any.getValue()))
        .append('\n');
  }

  private static void render(Message message, String indent, StringBuilder out) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      if (LEFT_OUT.contains(descriptor.getName())) {
        continue;
      }
      if (descriptor.isMapField()) {
        @SuppressWarnings("unchecked")
        List<Message> entries = new ArrayList<>((List<Message>) field.getValue());
        entries.sort(
            Comparator.comparing(
                entry ->
                    String.valueOf(
                        entry.getField(entry.getDescriptorForType().findFieldByName("key")))));
        for (Message entry : entries) {
          renderValue(descriptor.getName(), entry, descriptor, indent, out);
        }
      } else if (descriptor.isRepeated()) {
        for (Object value : (List<?>) field.getValue()) {
          renderValue(descriptor.getName(), value, descriptor, indent, out);
        }
      } else {
        renderValue(descriptor.getName(), field.getValue(), descriptor, indent, out);
      }
    }
  }

  private static void renderValue(
      String name, Object value, FieldDescriptor descriptor, String indent, StringBuilder out) {
    switch (descriptor.getJavaType()) {
      case MESSAGE -> {
        out.append(indent).append(name).append(" {\n");
        render((Message) value, indent + "  ", out);
        out.append(indent).append("}\n");
      }
      case STRING ->
          out.append(indent)
              .append(name)
              .append(": \"")
              .append(normalize((String) value))
              .append("\"\n");
      case BYTE_STRING ->
          out.append(indent)
              .append(name)
              .append(": ")
              .append(digest((ByteString) value))
              .append('\n');
      case ENUM ->
          out.append(indent)
              .append(name)
              .append(": ")
              .append(((EnumValueDescriptor) value).getName())
              .append('\n');
      default -> out.append(indent).append(name).append(": ").append(value).append('\n');
    }
  }

  /** A string with what differs between two runs by nature replaced by placeholders. */
  static String normalize(String text) {
    String s = UUID.matcher(text).replaceAll("<uuid>");
    s = WAREHOUSE.matcher(s).replaceAll("<warehouse>");
    s = EXPRESSION_ID.matcher(s).replaceAll("#N");
    s = IDENTITY.matcher(s).replaceAll("[B@N");
    return PLAN_ID.matcher(s).replaceAll("plan_id=N");
  }

  private static String digest(ByteString bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return bytes.size() + " bytes sha256:" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
