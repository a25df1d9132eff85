package dev.vxconnect.e2e.support;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of another JVM (a server process), measured with the JDK's jcmd: a class histogram,
 * which jcmd takes right after a full collection in the same safepoint, i.e. exactly the objects
 * still reachable, garbage excluded. (A full collection followed by a separate GC.heap_info would
 * also count whatever a busy process allocated between the two commands.)
 */
public final class JvmHeap {

  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
  private static final Pattern CLASS =
      Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)");

  private JvmHeap() {}

  /** What is still reachable: its bytes, and how many instances of each class. */
  public record Live(long bytes, Map<String, Long> instances) {

    /** Live instances of the class named {@code className}. */
    public long of(String className) {
      return instances.getOrDefault(className, 0L);
    }
  }

  /** Bytes of the objects still reachable in process {@code pid}. */
  public static long liveBytes(long pid) throws IOException, InterruptedException {
    return live(pid).bytes();
  }

  /** The objects still reachable in process {@code pid}. */
  public static Live live(long pid) throws IOException, InterruptedException {
    String histogram = Jcmd.run(pid, "GC.class_histogram");
    Matcher total = TOTAL.matcher(histogram);
    if (!total.find()) {
      throw new IOException(
          "no total in jcmd GC.class_histogram output: "
              + histogram.substring(Math.max(0, histogram.length() - 500)));
    }
    Map<String, Long> instances = new HashMap<>();
    Matcher line = CLASS.matcher(histogram);
    while (line.find()) {
      instances.merge(line.group(2), Long.parseLong(line.group(1)), Long::sum);
    }
    return new Live(Long.parseLong(total.group(1)), instances);
  }
}
