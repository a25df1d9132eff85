package dev.vxconnect.e2e.support.coverage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.Base;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Relation;
import org.sparkproject.com.google.protobuf.Descriptors.Descriptor;
import org.sparkproject.com.google.protobuf.Descriptors.FieldDescriptor;
import org.sparkproject.com.google.protobuf.Descriptors.MethodDescriptor;
import org.sparkproject.com.google.protobuf.Descriptors.OneofDescriptor;
import org.sparkproject.com.google.protobuf.Descriptors.ServiceDescriptor;
import org.sparkproject.com.google.protobuf.Message;

/**
 * The parts of the Spark Connect protocol whose coverage is tracked, read from the descriptors
 * bundled in the official client (relocated protobuf): the RPCs of the service and the cases of
 * five oneofs. A covered case is written {@code "<group> <case>"}, e.g. {@code "relation sql"}.
 */
public final class ProtocolCases {

  public static final String SERVICE = "spark.connect.SparkConnectService";

  /** One table of the coverage document. */
  public enum Group {
    RPC("rpc", "RPCs", null, null),
    RELATION("relation", "Relations", Relation.getDescriptor(), "rel_type"),
    EXPRESSION("expression", "Expressions", Expression.getDescriptor(), "expr_type"),
    COMMAND("command", "Commands", Command.getDescriptor(), "command_type"),
    ANALYZE("analyze", "AnalyzePlan kinds", AnalyzePlanRequest.getDescriptor(), "analyze"),
    CONFIG("config", "Config operations", ConfigRequest.Operation.getDescriptor(), "op_type");

    final String key;
    final String title;
    private final OneofDescriptor oneof;

    Group(String key, String title, Descriptor message, String oneofName) {
      this.key = key;
      this.title = title;
      this.oneof = message == null ? null : oneof(message, oneofName);
    }

    /** Where the cases come from, as a sentence. */
    String source() {
      if (oneof == null) {
        return "The methods of `" + SERVICE + "`.";
      }
      String message = oneof.getContainingType().getFullName().substring("spark.connect.".length());
      return "The cases of `" + message + "." + oneof.getName() + "`.";
    }

    /** Every case of the group, in the order the protocol declares them. */
    public List<String> cases() {
      List<String> cases = new ArrayList<>();
      if (oneof == null) {
        for (MethodDescriptor method : service().getMethods()) {
          cases.add(method.getName());
        }
      } else {
        for (FieldDescriptor field : oneof.getFields()) {
          cases.add(field.getName());
        }
      }
      return cases;
    }

    /** How a covered case of this group is written. */
    public String covered(String caseName) {
      return key + " " + caseName;
    }
  }

  private ProtocolCases() {}

  public static ServiceDescriptor service() {
    return Base.getDescriptor().findServiceByName("SparkConnectService");
  }

  /**
   * Every tracked oneof case set anywhere in {@code message}: in nested messages, in repeated
   * fields and in map values. Iterative, so that a plan nested thousands deep is walked too.
   * Not seen: what is hidden in bytes (compressed plans, {@code google.protobuf.Any} extensions).
   */
  public static Set<String> casesIn(Message message) {
    Set<String> cases = new TreeSet<>();
    Deque<Message> pending = new ArrayDeque<>();
    pending.push(message);
    while (!pending.isEmpty()) {
      Message m = pending.pop();
      for (Map.Entry<FieldDescriptor, Object> entry : m.getAllFields().entrySet()) {
        FieldDescriptor field = entry.getKey();
        Group group = groupOf(field.getRealContainingOneof());
        if (group != null) {
          cases.add(group.covered(field.getName()));
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          // Map fields are repeated fields of entry messages: their values are walked as well.
          if (field.isRepeated()) {
            for (Object item : (List<?>) entry.getValue()) {
              pending.push((Message) item);
            }
          } else {
            pending.push((Message) entry.getValue());
          }
        }
      }
    }
    return cases;
  }

  private static Group groupOf(OneofDescriptor oneof) {
    if (oneof == null) {
      return null;
    }
    for (Group group : Group.values()) {
      if (group.oneof != null && same(group.oneof, oneof)) {
        return group;
      }
    }
    return null;
  }

  private static boolean same(OneofDescriptor a, OneofDescriptor b) {
    return a.getName().equals(b.getName())
        && a.getContainingType().getFullName().equals(b.getContainingType().getFullName());
  }

  private static OneofDescriptor oneof(Descriptor message, String name) {
    return message.getRealOneofs().stream()
        .filter(oneof -> oneof.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The protocol has no oneof " + message.getFullName() + "." + name));
  }
}
