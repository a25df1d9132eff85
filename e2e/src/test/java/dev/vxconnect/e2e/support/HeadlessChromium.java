package dev.vxconnect.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's chromium, run headless: loads a page as a browser does and returns the DOM it built.
 * (.ci/run installs the package when it can; without it the tests that need it are skipped and
 * say so.)
 */
public final class HeadlessChromium {

  private static final long TIMEOUT_SECONDS = 90;

  private HeadlessChromium() {}

  /** The chromium binary on the PATH, if any. */
  public static Optional<Path> binary() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(path.split(":"))
        .flatMap(dir -> Stream.of(Path.of(dir, "chromium"), Path.of(dir, "chromium-browser")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The serialized DOM of {@code url} after chromium loaded it. */
  public static String dumpDom(String url) throws IOException, InterruptedException {
    return dumpDom(url, List.of());
  }

  /** As {@link #dumpDom(String)}, chromium run with these flags besides (e.g. what it trusts). */
  public static String dumpDom(String url, List<String> flags)
      throws IOException, InterruptedException {
    Path binary =
        binary().orElseThrow(() -> new IllegalStateException("chromium is not installed"));
    Path profile = Files.createTempDirectory("vxconnect-chromium");
    Path dom = profile.resolve("dom.html");
    // No sandbox: it needs user namespaces that containers (and root) often lack; the page is ours,
    // on loopback.
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + profile.resolve("profile")));
    command.addAll(flags);
    command.addAll(List.of("--dump-dom", url));
    Process chromium =
        new ProcessBuilder(command)
            .redirectOutput(dom.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not exit within " + TIMEOUT_SECONDS + " s");
      }
      if (chromium.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited with " + chromium.exitValue() + " loading " + url);
      }
      return Files.readString(dom, StandardCharsets.UTF_8);
    } finally {
      chromium.destroyForcibly();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
