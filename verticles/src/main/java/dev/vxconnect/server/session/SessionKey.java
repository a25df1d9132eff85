package dev.vxconnect.server.session;

/** A session is known by its user and its client-chosen id. */
public record SessionKey(String userId, String sessionId) {}
