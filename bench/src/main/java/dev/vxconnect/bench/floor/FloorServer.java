package dev.vxconnect.bench.floor;

import java.net.InetSocketAddress;
import java.net.URI;
import org.sparkproject.io.grpc.Server;
import org.sparkproject.io.grpc.netty.NettyServerBuilder;

/**
 * The floor (docs/benchmarks.md, workload (h)): a Spark Connect server that does no work. When it
 * starts it records, through a proxy, what a real server answers while the official client runs
 * the {@link Programs}; then it listens and answers the same requests with the recorded
 * responses, held in memory. What remains is the transport and the client: the limit no server
 * can beat with the same client.
 *
 * <p>Its own JVM, started by the harness with the harness's class path (grpc-java with Netty and
 * the Connect messages, as the official client jar bundles them, relocated): nothing else runs in
 * it, as nothing else runs in the real servers' JVMs. Usage: {@code FloorServer PORT RECORD_FROM_URL
 * ROWS}.
 */
public final class FloorServer {

  private FloorServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FloorServer PORT RECORD_FROM_URL(sc://host:port) ROWS");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    URI source = URI.create(args[1].replaceFirst("^sc:", "http:"));
    long rows = Long.parseLong(args[2]);

    long start = System.nanoTime();
    Recording recording = Recorder.record(source.getHost(), source.getPort(), rows);
    System.err.printf(
        "floor: recorded %s from %s in %.1f s%n",
        recording.describe(), args[1], (System.nanoTime() - start) / 1e9);

    // Handlers run on the event loop (direct executor): they only copy recorded messages out.
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .directExecutor()
            .maxInboundMessageSize(128 * 1024 * 1024)
            .addService(new Replayer(recording))
            .build()
            .start();
    System.err.println("floor: listening on port " + server.getPort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }
}
