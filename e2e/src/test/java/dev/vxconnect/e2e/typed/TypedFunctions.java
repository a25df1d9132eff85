package dev.vxconnect.e2e.typed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.ReduceFunction;

/**
 * Java functions of the typed Dataset API, written in the test program. The server has never seen
 * these classes: the client uploads them as a jar artifact. Results do not depend on how rows are
 * split into partitions or ordered within a group, which differ between the two engines.
 */
public final class TypedFunctions {

  private TypedFunctions() {}

  /** Every element of a partition, times three plus one. */
  public static final class TimesThreePlusOne implements MapPartitionsFunction<Long, Long> {
    @Override
    public Iterator<Long> call(Iterator<Long> partition) {
      List<Long> out = new ArrayList<>();
      partition.forEachRemaining(x -> out.add(x * 3 + 1));
      return out.iterator();
    }
  }

  public static final class Describe implements MapFunction<Long, String> {
    @Override
    public String call(Long x) {
      return x % 2 == 0 ? "even " + x : "odd " + x;
    }
  }

  public static final class IsMultipleOfThree implements FilterFunction<Long> {
    @Override
    public boolean call(Long x) {
      return x % 3 == 0;
    }
  }

  public static final class Mod implements MapFunction<Long, Long> {
    private final long modulus;

    public Mod(long modulus) {
      this.modulus = modulus;
    }

    @Override
    public Long call(Long x) {
      return x % modulus;
    }
  }

  /** "key: count, sum" of a group. */
  public static final class CountAndSum implements MapGroupsFunction<Long, Long, String> {
    @Override
    public String call(Long key, Iterator<Long> values) {
      long count = 0;
      long sum = 0;
      while (values.hasNext()) {
        count++;
        sum += values.next();
      }
      return key + ": " + count + ", " + sum;
    }
  }

  /** Each value of a group above the group's minimum, with its key. */
  public static final class AboveMinimum implements FlatMapGroupsFunction<Long, Long, String> {
    @Override
    public Iterator<String> call(Long key, Iterator<Long> values) {
      List<Long> all = new ArrayList<>();
      values.forEachRemaining(all::add);
      long min = all.stream().mapToLong(Long::longValue).min().orElse(0);
      return all.stream().filter(v -> v > min).map(v -> key + "/" + v).iterator();
    }
  }

  /** "key: left count, right count" of two co-grouped Datasets. */
  public static final class CountBothSides implements CoGroupFunction<Long, Long, Long, String> {
    @Override
    public Iterator<String> call(Long key, Iterator<Long> left, Iterator<Long> right) {
      long l = 0;
      long r = 0;
      for (; left.hasNext(); left.next()) {
        l++;
      }
      for (; right.hasNext(); right.next()) {
        r++;
      }
      return List.of(key + ": " + l + ", " + r).iterator();
    }
  }

  /** The digits of a number, one element each. */
  public static final class Digits implements FlatMapFunction<Long, String> {
    @Override
    public Iterator<String> call(Long x) {
      List<String> out = new ArrayList<>();
      for (char c : Long.toString(x).toCharArray()) {
        out.add(x + ":" + c);
      }
      return out.iterator();
    }
  }

  public static final class Sum implements ReduceFunction<Long> {
    @Override
    public Long call(Long a, Long b) {
      return a + b;
    }
  }

  /** "key: the group's values, sorted". */
  public static final class Joined implements MapGroupsFunction<Long, String, String> {
    @Override
    public String call(Long key, Iterator<String> values) {
      List<String> all = new ArrayList<>();
      values.forEachRemaining(all::add);
      all.sort(null);
      return key + ": " + String.join(", ", all);
    }
  }
}
