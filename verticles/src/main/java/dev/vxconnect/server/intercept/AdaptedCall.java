package dev.vxconnect.server.intercept;

import org.sparkproject.connect.grpc.Attributes;
import org.sparkproject.connect.grpc.Metadata;
import org.sparkproject.connect.grpc.MethodDescriptor;
import org.sparkproject.connect.grpc.SecurityLevel;
import org.sparkproject.connect.grpc.ServerCall;
import org.sparkproject.connect.grpc.Status;

/**
 * The {@link ServerCall} a user's interceptor sees: the method, the transport's attributes and
 * authority, and what an interceptor may do before the call goes on — add response headers
 * ({@link #sendHeaders}) or end the call with a status ({@link #close}). Response messages are
 * written by vxconnect's handlers, not through this object, so {@link #sendMessage} fails; and once
 * the interceptors have returned, the call is vxconnect's: any later use fails as well.
 */
final class AdaptedCall extends ServerCall<Object, Object> {

  private final MethodDescriptor<Object, Object> method;
  private final Attributes attributes;
  private final String authority;
  private final boolean tls;
  private Metadata headers;
  private Status closedWith;
  private Metadata trailers;
  private volatile boolean handedOver;

  AdaptedCall(
      MethodDescriptor<Object, Object> method,
      Attributes attributes,
      String authority,
      boolean tls) {
    this.method = method;
    this.attributes = attributes;
    this.authority = authority;
    this.tls = tls;
  }

  /** vxconnect reads the request messages itself, as fast as its handler takes them. */
  @Override
  public void request(int numMessages) {}

  @Override
  public void sendHeaders(Metadata headers) {
    checkOpen("sendHeaders");
    if (this.headers == null) {
      this.headers = new Metadata();
    }
    this.headers.merge(headers);
  }

  @Override
  public void sendMessage(Object message) {
    throw new UnsupportedOperationException(
        "vxconnect: an adapted gRPC interceptor cannot send response messages; the call's"
            + " handler writes them (docs/security.md, user interceptors)");
  }

  @Override
  public void close(Status status, Metadata trailers) {
    checkOpen("close");
    closedWith = status;
    this.trailers = trailers;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public MethodDescriptor<Object, Object> getMethodDescriptor() {
    return method;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String getAuthority() {
    return authority;
  }

  @Override
  public SecurityLevel getSecurityLevel() {
    return tls ? SecurityLevel.PRIVACY_AND_INTEGRITY : SecurityLevel.NONE;
  }

  /** After this, the call belongs to vxconnect's handler. */
  void handOver() {
    handedOver = true;
  }

  boolean closed() {
    return closedWith != null;
  }

  Status closedWith() {
    return closedWith;
  }

  Metadata trailers() {
    return trailers == null ? new Metadata() : trailers;
  }

  Metadata headers() {
    return headers == null ? new Metadata() : headers;
  }

  private void checkOpen(String operation) {
    if (handedOver) {
      throw new IllegalStateException(
          "vxconnect: "
              + operation
              + " after the interceptors returned; an adapted gRPC interceptor acts only while its"
              + " interceptCall runs (docs/security.md, user interceptors)");
    }
    if (closedWith != null) {
      throw new IllegalStateException("call already closed");
    }
  }
}
