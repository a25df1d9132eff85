package dev.vxconnect.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer in front of a cluster, as a user deploys one: each new connection goes to
 * the next instance in turn that accepts it; a dead instance is skipped. Blocking sockets, two
 * daemon threads per connection, one 64 KiB buffer each. When an instance dies its connections end,
 * and the client's next connection goes to a live one.
 */
final class LoadBalancer implements Closeable {

  private final int[] targets;
  private final AtomicInteger next = new AtomicInteger();
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  LoadBalancer(int... targets) throws IOException {
    this.targets = targets.clone();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "lb-accept").start();
  }

  String url() {
    return "sc://localhost:" + listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Socket target = connect();
      if (target == null) {
        quietly(client);
        continue;
      }
      sockets.add(client);
      sockets.add(target);
      daemon(() -> pump(client, target), "lb-up").start();
      daemon(() -> pump(target, client), "lb-down").start();
    }
  }

  private Socket connect() {
    for (int attempt = 0; attempt < targets.length; attempt++) {
      int port = targets[Math.floorMod(next.getAndIncrement(), targets.length)];
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        return socket;
      } catch (IOException e) {
        quietly(socket);
      }
    }
    return null;
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // either side ended: the link ends
    } finally {
      quietly(from);
      quietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  @Override
  public void close() {
    closed = true;
    quietly(listener);
    sockets.forEach(LoadBalancer::quietly);
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void quietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
