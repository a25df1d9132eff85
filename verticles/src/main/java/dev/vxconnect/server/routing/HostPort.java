package dev.vxconnect.server.routing;

/**
 * Where an instance is reached, as the cluster advertises it: {@code host:port}, split at the last
 * colon (so an IPv6 literal needs no brackets).
 */
public record HostPort(String host, int port) {

  /** Parses {@code host:port}; {@code what} names the value in the error. */
  public static HostPort parse(String what, String address) {
    int colon = address.lastIndexOf(':');
    if (colon > 0 && colon < address.length() - 1) {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        if (port >= 0 && port < 65536) {
          return new HostPort(address.substring(0, colon), port);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        what + " must be host:port with a port from 0 to 65535, got: " + address);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
