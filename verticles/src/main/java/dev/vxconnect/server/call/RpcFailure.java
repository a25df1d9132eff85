package dev.vxconnect.server.call;

import dev.vxconnect.planner.ErrorStatus;

/** A failure whose wire status is already decided (mapped, or one of our own protocol errors). */
public final class RpcFailure extends RuntimeException {

  private final transient ErrorStatus status;

  public RpcFailure(ErrorStatus status) {
    super(status.message(), null, false, false);
    this.status = status;
  }

  public static RpcFailure of(int code, String message) {
    return new RpcFailure(ErrorStatus.of(code, message));
  }

  /** The caller's token or certificate is bound to another user than the request names. */
  public static RpcFailure permissionDenied(String message) {
    return of(ErrorStatus.PERMISSION_DENIED, message);
  }

  public ErrorStatus status() {
    return status;
  }
}
