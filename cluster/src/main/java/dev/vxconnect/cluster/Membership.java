package dev.vxconnect.cluster;

import java.util.List;
import java.util.Optional;

/** Which instances form the service now, and how to reach them. */
public interface Membership {

  /** This instance's id (as recorded as the owner of the sessions it serves). */
  String self();

  /** The gRPC address (host:port) of a live instance, or empty if it is not a member now. */
  Optional<String> address(String instanceId);

  default boolean isAlive(String instanceId) {
    return address(instanceId).isPresent();
  }

  /** The ids of the live instances, this one included. */
  List<String> instances();

  /**
   * The admin HTTP address (host:port) of a live instance, or empty if it is not a member now or
   * serves no admin port at a known address (none configured, or "any free port").
   */
  Optional<String> adminAddress(String instanceId);

  /**
   * Whether losing any one member now would lose no record: no partition migrating, every backup
   * in sync. A lone instance has nothing to lose to another's loss. Blocks (asks the members).
   */
  default boolean isSafe() {
    return true;
  }
}
