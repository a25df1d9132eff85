package dev.vxconnect.planner.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sparkproject.connect.protobuf.Descriptors;
import org.sparkproject.connect.protobuf.Message;

/** Walks every message nested in a request, to look for what this server refuses up front. */
final class PlanMessages {

  /** Messages that hold data, never plans: not descended into (a local relation can be large). */
  private static final Set<String> DATA_ONLY =
      Set.of(
          "spark.connect.LocalRelation",
          "spark.connect.Expression.Literal",
          "spark.connect.DataType");

  private PlanMessages() {}

  /** Calls {@code visitor} on {@code root} and every message nested in it (it stops the walk by throwing). */
  static void visit(Message root, Consumer<Message> visitor) {
    findFirst(
        root,
        message -> {
          visitor.accept(message);
          return Optional.empty();
        });
  }

  /** The first answer {@code probe} gives for {@code root} or a message nested in it, depth first. */
  static <T> Optional<T> findFirst(Message root, Function<Message, Optional<T>> probe) {
    Deque<Message> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Message current = pending.pop();
      Optional<T> found = probe.apply(current);
      if (found.isPresent()) {
        return found;
      }
      if (DATA_ONLY.contains(current.getDescriptorForType().getFullName())) {
        continue;
      }
      for (Map.Entry<Descriptors.FieldDescriptor, Object> field :
          current.getAllFields().entrySet()) {
        if (field.getKey().getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
          continue;
        }
        if (field.getKey().isRepeated()) {
          for (Object item : (List<?>) field.getValue()) {
            pending.push((Message) item);
          }
        } else {
          pending.push((Message) field.getValue());
        }
      }
    }
    return Optional.empty();
  }
}
