package dev.vxconnect.e2e.support;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live threads of another JVM (a server process), from a jcmd thread dump: how many, and how
 * many of each kind (the name with its numbers blanked, so that pool threads count together).
 */
public final class JvmThreads {

  private static final Pattern THREAD = Pattern.compile("(?m)^\"(.*?)\" #");

  /**
   * The JIT's compiler threads, not counted: the JVM starts and stops them by itself as its
   * compile queue grows and shrinks (-XX:+UseDynamicNumberOfCompilerThreads, the default), whatever
   * the program holds.
   */
  private static final String JIT_COMPILER = "C# CompilerThread#";

  private final Map<String, Integer> byKind;

  private JvmThreads(Map<String, Integer> byKind) {
    this.byKind = byKind;
  }

  public static JvmThreads of(long pid) throws IOException, InterruptedException {
    Map<String, Integer> byKind = new TreeMap<>();
    Matcher m = THREAD.matcher(Jcmd.run(pid, "Thread.print"));
    while (m.find()) {
      String kind = kind(m.group(1));
      if (!kind.equals(JIT_COMPILER)) {
        byKind.merge(kind, 1, Integer::sum);
      }
    }
    return new JvmThreads(byKind);
  }

  /** A thread's name with its digits and hex ids blanked ("stream execution thread for [id = #]"). */
  static String kind(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "#")
        .replaceAll("[0-9]+", "#");
  }

  public int total() {
    return byKind.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Threads whose name starts with {@code prefix}. */
  public int named(String prefix) {
    return byKind.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  /** The kinds that have more threads here than in {@code before}, with how many more. */
  public Map<String, Integer> moreThan(JvmThreads before) {
    Map<String, Integer> more = new TreeMap<>();
    byKind.forEach(
        (kind, count) -> {
          int extra = count - before.byKind.getOrDefault(kind, 0);
          if (extra > 0) {
            more.put(kind, extra);
          }
        });
    return more;
  }
}
