package dev.vxconnect.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a Spark API prints (explain, printSchema, show): both the classic Dataset and the client's
 * print with Scala's {@code println}, i.e. to {@code scala.Console.out}, which is captured here.
 */
public final class Captured {

  private Captured() {}

  public static String stdout(Runnable action) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      scala.Console.withOut(
          out,
          () -> {
            action.run();
            return null;
          });
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
