package dev.vxconnect.bench;

import dev.vxconnect.testkit.ConfigRequests;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
 * Sessions are opened at most {@link #AWAKE} ahead of those hibernated: a session is a whole Spark
 * session until it hibernates, and 100,000 of them awake at once do not fit in 4 GiB (tried: the
 * server opened 86,000 in three minutes, hibernated 1,400, and spent the rest collecting garbage).
 */
final class HibernatedSessions {

  private static final int CHANNELS = 4;

  /** Sessions opened and not yet hibernated, at most. */
  private static final int AWAKE = 2_000;

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
            FreePort.find(),
            List.of(
                "vxconnect.session.hibernateAfter=2s",
                "spark.connect.session.manager.maintenanceInterval=1s"),
            "4g")) {
      Workloads.firstAnswer(server.url());
      Thread.sleep(TimeUnit.SECONDS.toMillis(Workloads.IDLE_SETTLE_SECONDS));
      long before = Workloads.liveHeapBytes(server.pid(), work.resolve("i-histogram-before.txt"));
      long startedAt = System.nanoTime();
      HibernationCount hibernated = new HibernationCount(server.log());
      open(server.port(), sessions, hibernated);
      double openSeconds = (System.nanoTime() - startedAt) / 1e9;
      awaitHibernated(hibernated, sessions);
      long after = Workloads.liveHeapBytes(server.pid(), work.resolve("i-histogram-after.txt"));
      return new Figures(sessions, before, after, openSeconds);
    }
  }

  /** Opens {@code count} sessions, each with a Config set, over a few channels. */
  private static void open(int port, int count, HibernationCount hibernated) throws Exception {
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
                    while (i - hibernated.get() >= AWAKE) {
                      Thread.sleep(200);
                    }
                    stub.config(
                        ConfigRequest.newBuilder()
                            .setSessionId(UUID.randomUUID().toString())
                            // 100 sessions per user: within the default sessions per user.
                            .setUserContext(UserContext.newBuilder().setUserId("idle-" + i / 100))
                            .setOperation(
                                ConfigRequests.set("spark.sql.session.timeZone", "Asia/Tokyo"))
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

  private static void awaitHibernated(HibernationCount hibernated, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (hibernated.get() >= count) {
        return;
      }
      Thread.sleep(2_000);
    }
    throw new IllegalStateException("not every session hibernated within 30 minutes");
  }

  /**
   * The sessions the server's log says hibernated, read on from where the last look stopped (the
   * log of 100,000 sessions is too long to read whole at every look).
   */
  private static final class HibernationCount {
    private final Path log;
    private long offset;
    private long count;
    private long lastLook;

    HibernationCount(Path log) {
      this.log = log;
    }

    /** The count, looked up again at most every half second. */
    synchronized long get() throws IOException {
      if (System.nanoTime() - lastLook < TimeUnit.MILLISECONDS.toNanos(500)) {
        return count;
      }
      lastLook = System.nanoTime();
      try (FileChannel file = FileChannel.open(log)) {
        long size = file.size();
        if (size <= offset) {
          return count;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (size - offset));
        file.read(bytes, offset);
        // Up to the last whole line: the rest is read next time.
        int end = bytes.position();
        while (end > 0 && bytes.get(end - 1) != '\n') {
          end--;
        }
        Matcher lines =
            HIBERNATED.matcher(new String(bytes.array(), 0, end, StandardCharsets.UTF_8));
        while (lines.find()) {
          count++;
        }
        offset += end;
      }
      return count;
    }
  }
}
