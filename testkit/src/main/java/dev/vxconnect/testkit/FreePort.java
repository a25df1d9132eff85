package dev.vxconnect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port that was free a moment ago and that no other JVM of this machine picked through
 * this class, chosen below Linux's ephemeral range (32768 and up): a port picked there can be
 * taken, before the server binds it, by any outgoing connection or any socket bound to port 0
 * (Spark's, Hazelcast's, a client's).
 *
 * <p>Below it, only another pick could take it, and picks are made in several JVMs at once (the
 * two test forks of a run): each JVM going round the range on its own, two of them met now and
 * then (a server "exited before listening: Address already in use"). So each pick is also
 * reserved on the machine: a lock on the port's byte of one shared file ({@link #RESERVATIONS}),
 * held until the JVM ends, which the operating system releases even if it is killed.
 */
public final class FreePort {

  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;

  /** The same file for every JVM of the machine, whatever their java.io.tmpdir. */
  private static final Path RESERVATIONS =
      Path.of("/tmp", "vxconnect-test-ports-" + System.getProperty("user.name") + ".lock");

  private static FileChannel reservations;
  private static final Set<Integer> RESERVED_HERE = new HashSet<>();
  private static int next = ThreadLocalRandom.current().nextInt(COUNT);

  private FreePort() {}

  public static synchronized int find() {
    for (int attempt = 0; attempt < COUNT; attempt++) {
      int port = FIRST + Math.floorMod(next++, COUNT);
      if (!reserve(port)) {
        continue; // another JVM's
      }
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

  /**
   * Whether this JVM holds {@code port}'s reservation (taking it if nobody holds it). A port
   * reserved here before may be picked again once the picks went round: it is not in use any more
   * unless the bind says so.
   */
  private static boolean reserve(int port) {
    if (RESERVED_HERE.contains(port)) {
      return true;
    }
    try {
      if (reservations == null) {
        // Never closed: closing any channel of the file would release all of this JVM's locks.
        reservations =
            FileChannel.open(RESERVATIONS, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      FileLock lock = reservations.tryLock(port, 1, false);
      if (lock == null) {
        return false;
      }
      RESERVED_HERE.add(port);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reserve a test port in " + RESERVATIONS, e);
    }
  }
}
