package dev.vxconnect.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FreePortTest {

  private static final int PICKED_THERE = 50;

  /**
   * Another JVM picks ports and keeps running; this one then picks round the whole range, as a
   * long test run does: it must never be given one of the other JVM's.
   */
  @Test
  void aPortPickedInAnotherJvmIsNeverPickedHere() throws Exception {
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Picker.class.getName(),
                Integer.toString(PICKED_THERE))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).as("the other JVM's ports").isNotNull();
      Set<Integer> theirs =
          Arrays.stream(line.trim().split(" ")).map(Integer::valueOf).collect(Collectors.toSet());
      assertThat(theirs).hasSize(PICKED_THERE);

      Set<Integer> ours = new HashSet<>();
      for (int i = 0; i < 12_000; i++) {
        ours.add(FreePort.find());
      }
      assertThat(ours).as("ports picked here").hasSizeGreaterThan(10_000);
      assertThat(ours)
          .as("ports picked here that the other JVM holds")
          .doesNotContainAnyElementsOf(theirs);
    } finally {
      other.getOutputStream().close(); // it ends at the end of its input
      if (!other.waitFor(30, TimeUnit.SECONDS)) {
        other.destroyForcibly();
      }
    }
  }

  /** The other JVM: picks {@code args[0]} ports, prints them on one line, holds them until its input ends. */
  public static final class Picker {
    public static void main(String[] args) throws Exception {
      int count = Integer.parseInt(args[0]);
      Integer[] ports = new Integer[count];
      for (int i = 0; i < count; i++) {
        ports[i] = FreePort.find();
      }
      System.out.println(
          List.of(ports).stream().map(String::valueOf).collect(Collectors.joining(" ")));
      System.out.flush();
      while (System.in.read() != -1) {
        // until the test closes our input
      }
    }
  }
}
