package dev.vxconnect.e2e.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/vxconnect start | status | stop}, as an operator runs them: start returns once the
 * instance listens and prints its URL, the instance runs in the background with its log and pid
 * under the log directory, stop ends it gracefully.
 */
@Timeout(300)
class LauncherE2ETest {

  private static final Pattern URL =
      Pattern.compile("vxconnect listening on (sc://\\S+) \\(pid (\\d+), log (\\S+)\\)");

  @Test
  void startStatusStop() throws Exception {
    Path logDir = Files.createDirectories(ServerProcess.targetDirectory().resolve("launcher-logs"));
    Map<String, String> env =
        Map.of(
            "VXCONNECT_LOG_DIR",
            logDir.toString(),
            "VXCONNECT_INSTANCE",
            "launcher-test",
            "VXCONNECT_JAVA_OPTS",
            "-Xmx1g");
    Path pidFile = logDir.resolve("launcher-test.pid");
    Files.deleteIfExists(pidFile);
    Result start =
        launcher(
            env,
            "start",
            "--port",
            "0",
            "--master",
            "local[1]",
            "--conf",
            "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.sql.warehouse.dir=" + logDir.resolve("warehouse"),
            "--conf",
            "vxconnect.artifacts.stagingDir=" + logDir.resolve("artifacts"));
    Matcher started = URL.matcher(start.output());
    assertThat(started.find()).as("start said: %s", start.output()).isTrue();
    long pid = Long.parseLong(started.group(2));
    try {
      assertThat(start.exit()).isZero();
      assertThat(Files.readString(pidFile).trim()).isEqualTo(started.group(2));
      assertThat(Path.of(started.group(3))).isEqualTo(logDir.resolve("launcher-test.log"));
      assertThat(launcher(env, "status").exit()).isZero();
      assertThat(launcher(env, "start").output()).contains("already running");

      String url = started.group(1).replace("127.0.0.1", "localhost");
      try (SparkSession client = Sessions.connect(url)) {
        assertThat(((Row[]) client.sql("select 6 * 7 as answer").collect())[0].getInt(0))
            .isEqualTo(42);
      }

      Result stop = launcher(env, "stop");
      assertThat(stop.exit()).as("stop said: %s", stop.output()).isZero();
      assertThat(ProcessHandle.of(pid)).isEmpty();
      assertThat(pidFile).doesNotExist();
      assertThat(launcher(env, "status").exit()).isEqualTo(3);
      assertThat(Files.readString(logDir.resolve("launcher-test.log")))
          .contains("vxconnect stopped");
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private record Result(int exit, String output) {}

  private static Result launcher(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ServerProcess.home().resolve("bin/vxconnect").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("VXCONNECT_HOME", ServerProcess.home().toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(command + " did not finish");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
