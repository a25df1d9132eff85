package dev.vxconnect.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import scala.collection.Iterable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Compares rows from the server with rows from the oracle, value by value, in a canonical form:
 * arrays as lists, maps with sorted keys, structs recursively, binary as hex, decimals with scale.
 */
public final class Results {

  private Results() {}

  /** The rows as canonical strings, one per row. */
  public static List<String> canonical(List<Row> rows) {
    List<String> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(canonical(row));
    }
    return out;
  }

  public static void assertSameRows(List<Row> expected, List<Row> actual, boolean ordered) {
    List<String> e = canonical(expected);
    List<String> a = canonical(actual);
    if (!ordered) {
      e.sort(null);
      a.sort(null);
    }
    assertThat(a).as("rows").hasSize(e.size());
    assertThat(a).as("rows").containsExactlyElementsOf(e);
  }

  public static String canonical(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Row row) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        fields.add(canonical(row.get(i)));
      }
      return "(" + String.join(", ", fields) + ")";
    }
    if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof BigDecimal d) {
      return "dec:" + d.toPlainString();
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      return canonicalMap(CollectionConverters.asJava(map));
    }
    if (value instanceof Map<?, ?> map) {
      return canonicalMap(map);
    }
    if (value instanceof Iterable<?> seq) {
      List<String> items = new ArrayList<>();
      seq.foreach(item -> items.add(canonical(item)));
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof java.lang.Iterable<?> seq) {
      List<String> items = new ArrayList<>();
      seq.forEach(item -> items.add(canonical(item)));
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof Object[] array) {
      return canonical(Arrays.asList(array));
    }
    if (value instanceof Double d) {
      return "d:" + d;
    }
    if (value instanceof Float f) {
      return "f:" + f;
    }
    return value.getClass().getSimpleName() + ":" + value;
  }

  private static String canonicalMap(Map<?, ?> map) {
    TreeMap<String, String> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put(canonical(k), canonical(v)));
    return "{" + sorted + "}";
  }
}
