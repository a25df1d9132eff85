package dev.vxconnect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port that was free a moment ago, chosen below Linux's ephemeral range (32768 and
 * up): a port picked there can be taken, before the server binds it, by any outgoing connection
 * or any socket bound to port 0 (Spark's, Hazelcast's, a client's), which made cluster starts fail
 * now and then. Below it, only another pick of this class could take it, and picks go round.
 */
public final class FreePort {

  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

  private FreePort() {}

  public static int find() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
    throw new UncheckedIOException(
        new IOException("no free loopback port in " + FIRST + "-" + (FIRST + COUNT)));
  }
}
