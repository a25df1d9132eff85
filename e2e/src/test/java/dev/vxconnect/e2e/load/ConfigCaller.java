package dev.vxconnect.e2e.load;

import dev.vxconnect.e2e.support.RawGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.UserContext;

/**
 * Another user's program beside {@link SlowClientE2ETest}'s slow reader: small Config calls, made
 * from a JVM of its own as another program would, so that the times it measures hold the server's
 * answer and the network, not the reading JVM's collections and compilations. It warms up before it
 * says it is ready, as a program already running would be. The test drives it through its standard
 * input ({@code calls N}: N calls 100 ms apart) and reads what each call took from its output.
 */
final class ConfigCaller implements AutoCloseable {

  private static final String MARK = "CONFIG-CALLER ";
  private static final int WARM_UP_CALLS = 300;

  private final Process process;
  private final Writer commands;
  private final BufferedReader answers;
  private final List<String> other = new ArrayList<>();

  private ConfigCaller(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the caller for a session of {@code user} on the server at {@code port}; returns once warm. */
  static ConfigCaller start(int port, String user, String session) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ConfigCaller.class.getName());
    command.add(Integer.toString(port));
    command.add(user);
    command.add(session);
    ConfigCaller caller =
        new ConfigCaller(new ProcessBuilder(command).redirectErrorStream(true).start());
    caller.await("ready");
    return caller;
  }

  /**
   * One call as the other JVM timed it: when it started (wall clock, to find it in the server's
   * logs) and how long it took.
   */
  record Call(Instant started, long nanos) {}

  /** Makes {@code count} calls, 100 ms apart, in the other JVM. */
  List<Call> calls(int count) throws IOException {
    commands.write("calls " + count + "\n");
    commands.flush();
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String[] took = await("took ").split(" ");
      calls.add(new Call(Instant.parse(took[1]), Long.parseLong(took[0])));
    }
    await("done");
    return calls;
  }

  /** The text after the next marked line that starts with {@code prefix}. */
  private String await(String prefix) throws IOException {
    for (String line = answers.readLine(); line != null; line = answers.readLine()) {
      if (line.startsWith(MARK + prefix)) {
        return line.substring(MARK.length() + prefix.length());
      }
      other.add(line);
    }
    throw new IllegalStateException(
        "the Config caller's JVM ended before \"" + prefix + "\":\n" + String.join("\n", other));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    commands.close(); // end of input: it ends
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    UserContext user = RawGrpc.user(args[1]);
    String session = args[2];
    try (RawGrpc grpc = new RawGrpc(port)) {
      for (int i = 0; i < WARM_UP_CALLS; i++) {
        configGet(grpc, user, session);
      }
      System.out.println(MARK + "ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int count = Integer.parseInt(line.substring("calls ".length()).trim());
        for (int i = 0; i < count; i++) {
          Instant started = Instant.now();
          long start = System.nanoTime();
          configGet(grpc, user, session);
          System.out.println(MARK + "took " + (System.nanoTime() - start) + " " + started);
          Thread.sleep(100);
        }
        System.out.println(MARK + "done");
      }
    }
  }

  static void configGet(RawGrpc grpc, UserContext user, String session) {
    grpc.stub().config(RawGrpc.configGet(session, user, "spark.sql.shuffle.partitions"));
  }
}
