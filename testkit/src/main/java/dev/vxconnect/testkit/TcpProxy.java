package dev.vxconnect.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in the test: listens on a free loopback port and forwards each connection to a
 * target port, byte for byte. {@link #cutAll()} breaks every open connection at once, even while
 * data flows, as a load balancer that loses its backend does: the server's side is closed and the
 * client's side is shut down for writing (FIN), while what the client still sends is read and
 * dropped until it closes. New connections are still accepted.
 *
 * <p>The client's side is not simply closed: a close with data in flight sends a reset, and the
 * gRPC client then reports a write that failed on it as UNKNOWN ("channel closed"), which no Spark
 * Connect client retries. That is a race in the client, not what these tests are about.
 *
 * <p>Blocking sockets, two daemon threads per connection (one while it waits for a target), each
 * with one fixed buffer: nothing is queued beyond a buffer, so a slow reader slows the writer down
 * as TCP would. {@link #close()} stops everything.
 */
public final class TcpProxy implements AutoCloseable {

  private static final int BUFFER_BYTES = 64 * 1024;

  /** How long a cut connection's client side is drained before it is closed anyway. */
  private static final int DRAIN_MILLIS = 10_000;

  /**
   * How long a new connection waits for a target while none accepts one (every target is down),
   * before it is closed: longer than three instances take to start again on a loaded machine.
   */
  private static final int WAIT_FOR_TARGET_MILLIS = 90_000;

  /** Pause between two rounds of connection attempts while no target accepts. */
  private static final int RETRY_MILLIS = 100;

  private final int[] targetPorts;
  private final AtomicInteger nextTarget = new AtomicInteger();
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Set<Socket> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicLong toTarget = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean closed;

  /** One proxied connection: the client's socket and ours to the target. */
  private static final class Link {
    final Socket client;
    final Socket target;
    volatile boolean cut;

    Link(Socket client, Socket target) {
      this.client = client;
      this.target = target;
    }

    /** Closes the target side and sends the client an end of stream; the client pump drains. */
    void cut() {
      cut = true;
      closeQuietly(target);
      try {
        client.setSoTimeout(DRAIN_MILLIS);
        client.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(target);
    }
  }

  private TcpProxy(int... targetPorts) throws IOException {
    this.targetPorts = targetPorts.clone();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = daemon(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort}, or a load balancer over several: each new
   * connection goes to the next target in turn that accepts it (a dead one is skipped). While none
   * accepts, a new connection waits for one to come back, as a load balancer that queues
   * connections while its backends restart does. Closed at once instead, the client backs off:
   * gRPC's reconnect backoff and the Spark client's retry waits grow to about a minute while the
   * backends are down, and a test that restarts every instance then waits that long for the
   * client's next attempt (70 s of SharedCatalogE2ETest's 223 s), not for the servers.
   */
  public static TcpProxy start(int... targetPorts) throws IOException {
    TcpProxy proxy = new TcpProxy(targetPorts);
    proxy.acceptor.start();
    return proxy;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The Spark Connect URL of the servers behind this proxy. */
  public String url() {
    return "sc://localhost:" + port();
  }

  /** Bytes forwarded from the target to clients so far, over every connection. */
  public long bytesToClient() {
    return toClient.get();
  }

  /** Bytes forwarded from clients to the target so far, over every connection. */
  public long bytesToTarget() {
    return toTarget.get();
  }

  /** Connections accepted so far. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Breaks every open connection (see the class comment); returns how many there were. */
  public int cutAll() {
    List<Link> open = new ArrayList<>(links);
    for (Link link : open) {
      links.remove(link);
      link.cut();
    }
    return open.size();
  }

  /** Stops accepting and cuts every connection; the proxy's threads then end. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    waiting.forEach(TcpProxy::closeQuietly);
    for (Link link : new ArrayList<>(links)) {
      links.remove(link);
      link.close();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // the listener was closed
      }
      accepted.incrementAndGet();
      // A thread of its own: the connection may wait for a target (see awaitATarget).
      daemon(() -> link(client), "tcp-proxy-link-" + client.getPort()).start();
    }
  }

  /** Connects a client to a target, then pumps both ways; closes the client if no target comes. */
  private void link(Socket client) {
    waiting.add(client);
    Socket target;
    try {
      target = awaitATarget();
    } finally {
      waiting.remove(client);
    }
    if (target == null || client.isClosed()) {
      closeQuietly(client);
      if (target != null) {
        closeQuietly(target);
      }
      return;
    }
    try {
      client.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(target);
      return;
    }
    Link link = new Link(client, target);
    links.add(link);
    if (closed) {
      // close() may have cut the links just before this one was added.
      links.remove(link);
      link.close();
      return;
    }
    int id = client.getPort();
    daemon(() -> pump(link, client, target, toTarget), "tcp-proxy-up-" + id).start();
    daemon(() -> pump(link, target, client, toClient), "tcp-proxy-down-" + id).start();
  }

  /**
   * A connection to a target, waiting up to {@link #WAIT_FOR_TARGET_MILLIS} while none accepts
   * (every one is down); null if none came back in that time or the proxy was closed.
   */
  private Socket awaitATarget() {
    long deadline = System.nanoTime() + WAIT_FOR_TARGET_MILLIS * 1_000_000L;
    while (!closed) {
      Socket target = connectToATarget();
      if (target != null || System.nanoTime() > deadline) {
        return target;
      }
      try {
        Thread.sleep(RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** A connection to the next target that accepts one, or null if none does. */
  private Socket connectToATarget() {
    for (int attempt = 0; attempt < targetPorts.length; attempt++) {
      int port = targetPorts[Math.floorMod(nextTarget.getAndIncrement(), targetPorts.length)];
      Socket target = new Socket();
      try {
        target.setTcpNoDelay(true);
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return target;
      } catch (IOException e) {
        closeQuietly(target);
      }
    }
    return null;
  }

  /**
   * Copies {@code from} to {@code to} until either side ends; then the whole link is closed, but
   * after a cut the client's pump first drains the client until it closes.
   */
  private void pump(Link link, Socket from, Socket to, AtomicLong counter) {
    byte[] buffer = new byte[BUFFER_BYTES];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        counter.addAndGet(n);
      }
    } catch (IOException e) {
      // cut, reset or closed by the other pump: the link ends either way
    } finally {
      links.remove(link);
      if (!link.cut) {
        link.close();
      } else if (from == link.client) {
        drain(from, buffer);
        link.close();
      }
    }
  }

  private static void drain(Socket socket, byte[] buffer) {
    try {
      InputStream in = socket.getInputStream();
      while (in.read(buffer) >= 0) {
        // dropped: the connection is cut
      }
    } catch (IOException e) {
      // closed, reset or timed out: done draining
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
