package dev.vxconnect.proto;

/** How many messages each side of a call sends. */
public enum MethodKind {
  UNARY,
  SERVER_STREAMING,
  CLIENT_STREAMING
}
