package dev.vxconnect.bench;

import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import dev.vxconnect.testkit.TcpProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Two vxconnect instances in one cluster behind a {@link TcpProxy} (as a load balancer), for the
 * failover workloads: members can be killed and started again on their ports.
 */
final class BenchCluster implements AutoCloseable {

  private final Settings settings;
  private final Path work;
  private final String name;
  private final List<String> confs;
  private final String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final int[] grpcPorts = {FreePort.find(), FreePort.find()};
  private final int[] clusterPorts = {FreePort.find(), FreePort.find()};
  private final ServerProcess[] members = new ServerProcess[2];
  private final TcpProxy balancer;
  private int restarts;

  /** Starts both members (in parallel) with these extra settings, and the balancer. */
  BenchCluster(Settings settings, Path work, String name, List<String> confs) throws Exception {
    this.settings = settings;
    this.work = work;
    this.name = name;
    this.confs = List.copyOf(confs);
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
    balancer = TcpProxy.start(grpcPorts);
  }

  private ServerProcess startMember(int index) throws IOException {
    String all =
        Arrays.stream(clusterPorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    List<String> settingsOfMember =
        new ArrayList<>(
            List.of(
                "vxconnect.cluster.enabled=true",
                "vxconnect.cluster.name=" + clusterName,
                "vxconnect.cluster.secret=" + clusterName + "-bench-secret",
                "vxconnect.cluster.port=" + clusterPorts[index],
                "vxconnect.cluster.members=" + all));
    settingsOfMember.addAll(confs);
    return Server.startVxconnect(
        settings,
        work,
        name + "-" + index + "-" + restarts,
        grpcPorts[index],
        settingsOfMember,
        "1500m");
  }

  String url() {
    return balancer.url();
  }

  /** The live member whose log says it opened or rebuilt the session. */
  int ownerOf(String sessionId) throws IOException {
    for (int i = 0; i < members.length; i++) {
      if (members[i].isAlive()
          && members[i].logText().contains("Session " + sessionId + " of user")) {
        return i;
      }
    }
    throw new IllegalStateException("no member logged session " + sessionId);
  }

  void kill(int member) throws InterruptedException {
    members[member].kill();
  }

  /** Starts a killed member again on its ports, and gives it time to join. */
  void restart(int member) throws Exception {
    restarts++;
    members[member] = startMember(member);
    Thread.sleep(5_000);
  }

  @Override
  public void close() {
    balancer.close();
    for (ServerProcess member : members) {
      if (member != null) {
        member.close();
      }
    }
  }
}
