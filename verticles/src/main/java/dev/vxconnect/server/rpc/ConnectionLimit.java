package dev.vxconnect.server.rpc;

import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections of every event loop's server and closes new ones beyond the limit as
 * they arrive, so a flood of connections cannot take the file descriptors and memory the served
 * ones need.
 */
public final class ConnectionLimit {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
  private static final long LOG_EVERY_MS = 10_000;

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong lastLogged = new AtomicLong();

  public ConnectionLimit(int max) {
    this.max = max;
  }

  /** The server's connection handler. */
  public void admit(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      long now = System.currentTimeMillis();
      long last = lastLogged.get();
      if (now - last > LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
        LOG.warn(
            "{} connections open, the most allowed (vxconnect.server.maxConnections): closing new ones"
                + " (latest from {})",
            max,
            connection.remoteAddress());
      }
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
  }

  public int open() {
    return open.get();
  }
}
