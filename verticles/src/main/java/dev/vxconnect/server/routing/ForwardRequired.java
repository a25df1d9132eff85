package dev.vxconnect.server.routing;

/**
 * The session of a call is owned by another live instance: the call must be forwarded there,
 * unchanged, instead of being served here.
 */
public final class ForwardRequired extends RuntimeException {

  private final String owner;
  private final HostPort hostPort;

  public ForwardRequired(String owner, String address) {
    super("session owned by " + owner + " at " + address, null, false, false);
    this.owner = owner;
    this.hostPort = HostPort.parse("the gRPC address of instance " + owner, address);
  }

  /** The owner's instance id. */
  public String owner() {
    return owner;
  }

  public String host() {
    return hostPort.host();
  }

  public int port() {
    return hostPort.port();
  }

  /** host:port of the owner's gRPC service. */
  public String address() {
    return hostPort.toString();
  }
}
