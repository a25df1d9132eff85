package dev.vxconnect.cluster;

import io.vertx.core.Future;

/**
 * The sessions each user holds, counted over every instance, so that a per-user session limit
 * holds however a user spreads sessions over the instances. A session counts from its creation
 * until its record is removed (closed, expired, or expired after its owner died): a session whose
 * owner is gone still exists, and is taken over at its next call.
 */
public interface SessionCounts {

  /**
   * Counts a new session for its user, unless the user already holds {@code limit} sessions. A
   * session counted already is granted again (creation retried, or racing with another instance).
   */
  Future<Claim> claim(String userId, String sessionId, int limit);

  /**
   * Counts a session that exists already (taken over, or rebuilt after a restart of every
   * instance, when counts start empty): never refused, since refusing it would not make it go.
   */
  Future<Void> adopt(String userId, String sessionId);

  /** Stops counting a session that is gone. */
  Future<Void> release(String userId, String sessionId);

  /** The sessions the user holds now. */
  Future<Integer> held(String userId);

  /**
   * The answer to a claim.
   *
   * @param granted whether the session is counted
   * @param held the sessions the user holds now (with this one when granted)
   */
  record Claim(boolean granted, int held) {}
}
