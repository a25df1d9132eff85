package dev.vxconnect.server.routing;

/**
 * The session of a call is owned by another live instance: the call must be forwarded there,
 * unchanged, instead of being served here.
 */
public final class ForwardRequired extends RuntimeException {

  private final String owner;
  private final String address;

  public ForwardRequired(String owner, String address) {
    super("session owned by " + owner + " at " + address, null, false, false);
    this.owner = owner;
    this.address = address;
  }

  /** The owner's instance id. */
  public String owner() {
    return owner;
  }

  public String host() {
    return address.substring(0, address.lastIndexOf(':'));
  }

  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** host:port of the owner's gRPC service. */
  public String address() {
    return address;
  }
}
