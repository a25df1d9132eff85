package dev.vxconnect.bench;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.TcpProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * (f), vxconnect only: two instances in one cluster behind a {@link TcpProxy} (as a load balancer); a client's
 * session is used, its owner killed with kill -9, and the time from the kill to the client's next
 * successful query is measured. The client is the official one with its default retry policies;
 * when a query still fails the harness tries again after 50 ms and counts the failure, as an
 * application would have to.
 */
final class Failover {

  private static final String QUERY = "select k, count(*) as n, sum(v) as total from mine group by k order by k";
  private static final long GIVE_UP_MS = 120_000;

  /** One kill: milliseconds to the next successful query, and how many attempts failed before. */
  record Kill(long millis, int failedAttempts, boolean sameResult) {}

  private final Settings settings;
  private final Path work;
  private final String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final int[] grpcPorts = {FreePort.find(), FreePort.find()};
  private final int[] clusterPorts = {FreePort.find(), FreePort.find()};
  private final ServerProcess[] members = new ServerProcess[2];
  private int restarts;

  Failover(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
  }

  List<Kill> run(int kills) throws Exception {
    ExecutorService starter = Executors.newFixedThreadPool(2);
    try {
      List<Future<ServerProcess>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int index = i;
        starting.add(starter.submit(() -> startMember(index)));
      }
      for (int i = 0; i < 2; i++) {
        members[i] = starting.get(i).get();
      }
    } finally {
      starter.shutdownNow();
    }
    try (TcpProxy balancer = TcpProxy.start(grpcPorts)) {
      Workloads.warmUp(balancer.url());
      List<Kill> result = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        result.add(killOnce(balancer.url(), k + 1 < kills));
      }
      return result;
    } finally {
      for (ServerProcess member : members) {
        if (member != null) {
          member.close();
        }
      }
    }
  }

  private ServerProcess startMember(int index) throws Exception {
    String members = Arrays.stream(clusterPorts).mapToObj(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
    return Server.startVxconnect(settings, work, "failover-" + index + "-" + restarts, grpcPorts[index],
        List.of("vxconnect.cluster.enabled=true",
            "vxconnect.cluster.name=" + clusterName,
            "vxconnect.cluster.port=" + clusterPorts[index],
            "vxconnect.cluster.members=" + members),
        "1500m");
  }

  private Kill killOnce(String url, boolean restart) throws Exception {
    try (SparkSession client = Workloads.connect(url)) {
      client.sql("create temp view mine as select id % 5 as k, id as v from range(1000)");
      Row[] before = (Row[]) client.sql(QUERY).collect();
      String sessionId = ((org.apache.spark.sql.connect.SparkSession) client).sessionId();
      int owner = ownerOf(sessionId);
      members[owner].kill();
      long killedAt = System.nanoTime();
      int failed = 0;
      Row[] after;
      while (true) {
        try {
          after = (Row[]) client.sql(QUERY).collect();
          break;
        } catch (RuntimeException e) {
          failed++;
          if ((System.nanoTime() - killedAt) / 1_000_000 > GIVE_UP_MS) {
            throw new IllegalStateException("no successful query within " + GIVE_UP_MS + " ms of the kill", e);
          }
          Thread.sleep(50);
        }
      }
      long millis = (System.nanoTime() - killedAt) / 1_000_000;
      if (restart) {
        restarts++;
        members[owner] = startMember(owner);
        Thread.sleep(5_000); // the restarted member joins the cluster
      }
      return new Kill(millis, failed, Arrays.equals(before, after));
    }
  }

  /** The live member whose log says it opened the session. */
  private int ownerOf(String sessionId) throws Exception {
    for (int i = 0; i < members.length; i++) {
      if (members[i].isAlive() && members[i].logText().contains("Session " + sessionId + " of user")) {
        return i;
      }
    }
    throw new IllegalStateException("no member logged session " + sessionId);
  }
}
