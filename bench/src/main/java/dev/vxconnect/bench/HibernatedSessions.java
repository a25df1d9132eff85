package dev.vxconnect.bench;

import dev.vxconnect.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.ManagedChannelBuilder;

/**
 * (i) Many idle sessions on one vxconnect with {@code -Xmx4g} (issue 21): each is opened by a
 * Config set (a state change, recorded) and left; they hibernate 2 s later. Measured: the live heap
 * before and once every one has hibernated, per session, to set against an idle session on Spark's
 * server ((d)). The sessions come over a few plain gRPC channels (the official client would make a
 * connection per session, which measures the client); the server's work per session is the same.
 */
final class HibernatedSessions {

  private static final int CHANNELS = 4;
  private static final Pattern HIBERNATED = Pattern.compile("hibernated after");

  /** What (i) measured. */
  record Figures(int sessions, long beforeBytes, long afterBytes, double openSeconds) {
    double bytesPerSession() {
      return (afterBytes - beforeBytes) / (double) sessions;
    }
  }

  private final Settings settings;
  private final Path work;

  HibernatedSessions(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  Figures run() throws Exception {
    int sessions = settings.hibernatedSessions();
    try (ServerProcess server =
        Server.startVxconnect(
            settings,
            work,
            "i-vxconnect",
            dev.vxconnect.testkit.FreePort.find(),
            List.of(
                "vxconnect.session.hibernateAfter=2s",
                "spark.connect.session.manager.maintenanceInterval=1s"),
            "4g")) {
      Workloads.firstAnswer(server.url());
      Thread.sleep(TimeUnit.SECONDS.toMillis(Workloads.IDLE_SETTLE_SECONDS));
      long before = Workloads.liveHeapBytes(server.pid(), work.resolve("i-histogram-before.txt"));
      long startedAt = System.nanoTime();
      open(server.port(), sessions);
      double openSeconds = (System.nanoTime() - startedAt) / 1e9;
      awaitHibernated(server, sessions);
      long after = Workloads.liveHeapBytes(server.pid(), work.resolve("i-histogram-after.txt"));
      return new Figures(sessions, before, after, openSeconds);
    }
  }

  /** Opens {@code count} sessions, each with a Config set, over a few channels. */
  private static void open(int port, int count) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(CHANNELS);
    AtomicLong next = new AtomicLong();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CHANNELS; c++) {
        ManagedChannel channel =
            ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        var stub = SparkConnectServiceGrpc.newBlockingStub(channel);
        done.add(
            threads.submit(
                () -> {
                  for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    stub.config(
                        ConfigRequest.newBuilder()
                            .setSessionId(UUID.randomUUID().toString())
                            // 100 sessions per user: within the default sessions per user.
                            .setUserContext(UserContext.newBuilder().setUserId("idle-" + i / 100))
                            .setOperation(
                                ConfigRequest.Operation.newBuilder()
                                    .setSet(
                                        ConfigRequest.Set.newBuilder()
                                            .addPairs(
                                                KeyValue.newBuilder()
                                                    .setKey("spark.sql.session.timeZone")
                                                    .setValue("Asia/Tokyo"))))
                            .build());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.HOURS);
      }
    } finally {
      threads.shutdownNow();
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  private static void awaitHibernated(ServerProcess server, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (System.nanoTime() < deadline) {
      Matcher lines = HIBERNATED.matcher(server.logText());
      int seen = 0;
      while (lines.find()) {
        seen++;
      }
      if (seen >= count) {
        return;
      }
      Thread.sleep(2_000);
    }
    throw new IllegalStateException("not every session hibernated within 30 minutes");
  }
}
