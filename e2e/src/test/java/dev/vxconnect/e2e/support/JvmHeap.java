package dev.vxconnect.e2e.support;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of another JVM (a server process), measured with the JDK's jcmd: the total of a class
 * histogram, which jcmd takes right after a full collection in the same safepoint, i.e. exactly
 * the objects still reachable, garbage excluded. (A full collection followed by a separate
 * GC.heap_info would also count whatever a busy process allocated between the two commands.)
 */
public final class JvmHeap {

  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  private JvmHeap() {}

  /** Bytes of the objects still reachable in process {@code pid}. */
  public static long liveBytes(long pid) throws IOException, InterruptedException {
    String histogram = Jcmd.run(pid, "GC.class_histogram");
    Matcher m = TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new IOException(
          "no total in jcmd GC.class_histogram output: "
              + histogram.substring(Math.max(0, histogram.length() - 500)));
    }
    return Long.parseLong(m.group(1));
  }
}
