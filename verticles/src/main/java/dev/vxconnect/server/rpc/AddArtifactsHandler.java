package dev.vxconnect.server.rpc;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.proto.SparkConnectMethods;
import dev.vxconnect.server.artifact.ArtifactUpload;
import dev.vxconnect.server.auth.Caller;
import dev.vxconnect.server.call.RpcFailure;
import dev.vxconnect.server.config.ConfigKeys;
import dev.vxconnect.server.routing.ForwardRequired;
import dev.vxconnect.server.routing.Forwarder;
import dev.vxconnect.server.session.RequestContext;
import dev.vxconnect.server.session.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsResponse;

/**
 * AddArtifacts (client streaming): each message is staged on a worker thread before the next one
 * is read, so a fast uploader cannot fill memory; at the end, artifacts whose CRC checks passed
 * join the session (jars and classes its class loader, {@code cache/} entries its block store).
 */
public final class AddArtifactsHandler
    implements CallHandler<AddArtifactsRequest, AddArtifactsResponse> {

  /** An artifact whose bytes another instance will need after a takeover. */
  private record Replicated(String name, String sha256, byte[] bytes) {}

  private final SessionCalls calls;
  private final Path stagingRoot;
  private final long maxUploadBytes;
  private final long maxSessionBytes;
  private final SparkConnectMethods.Method<AddArtifactsRequest, AddArtifactsResponse> method;
  private final Forwarder forwarder;

  /**
   * @param maxUploadBytes bytes one call may upload
   * @param maxSessionBytes bytes of artifacts one session may hold in all
   */
  public AddArtifactsHandler(
      SessionCalls calls,
      Path stagingRoot,
      long maxUploadBytes,
      long maxSessionBytes,
      SparkConnectMethods.Method<AddArtifactsRequest, AddArtifactsResponse> method,
      Forwarder forwarder) {
    this.calls = calls;
    this.stagingRoot = stagingRoot;
    this.maxUploadBytes = maxUploadBytes;
    this.maxSessionBytes = maxSessionBytes;
    this.method = method;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(
      GrpcServerRequest<AddArtifactsRequest, AddArtifactsResponse> call, Caller caller) {
    new Upload(call, caller, Vertx.currentContext()).start();
  }

  private RpcFailure sessionFull(Session session, String upload) {
    return RpcFailure.of(
        ErrorStatus.RESOURCE_EXHAUSTED,
        "Session "
            + session.sessionId()
            + " may hold at most "
            + maxSessionBytes
            + " bytes of artifacts ("
            + ConfigKeys.MAX_ARTIFACT_BYTES.key()
            + " = "
            + maxSessionBytes
            + "); it holds "
            + session.artifactBytes()
            + ", and "
            + upload);
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The state of one call. Touched only on the call's event loop, except inside blocking work. */
  private final class Upload {
    private final GrpcServerRequest<AddArtifactsRequest, AddArtifactsResponse> call;
    private final Caller caller;
    private final Context context;

    /** The ids of the call's first message, which name its session. */
    private RequestContext sessionIds;

    private Session session;
    private ArtifactUpload upload;
    private boolean failed;

    Upload(
        GrpcServerRequest<AddArtifactsRequest, AddArtifactsResponse> call,
        Caller caller,
        Context context) {
      this.call = call;
      this.caller = caller;
      this.context = context;
    }

    void start() {
      call.pause();
      // Decoded here so that a malformed message ends the call with INVALID_ARGUMENT (a message
      // handler would have the stream reset without a status).
      call.messageHandler(
          message -> {
            AddArtifactsRequest request;
            try {
              if (!"identity".equals(message.encoding())) {
                throw new CodecException("Compressed AddArtifacts messages are not accepted");
              }
              request = method.server().decoder().decode(message);
            } catch (CodecException e) {
              if (!failed) {
                fail(e);
              }
              return;
            }
            onMessage(request);
          });
      call.endHandler(v -> onEnd());
      call.exceptionHandler(e -> cleanUp());
      call.fetch(1);
    }

    private void onMessage(AddArtifactsRequest request) {
      if (failed) {
        return;
      }
      if (sessionIds == null) {
        sessionIds = RequestContext.of(method.ids().apply(request), caller);
      }
      boolean first = session == null;
      current()
          .compose(
              s ->
                  calls.blocking(
                      s,
                      ss -> {
                        if (upload == null) {
                          // Never more than the session has room for: a quota is not checked only
                          // after the disk filled.
                          long room = Math.max(0, maxSessionBytes - ss.artifactBytes());
                          upload =
                              new ArtifactUpload(
                                  // One directory per upload, none per session: nothing is
                                  // left behind when the upload's own directory is deleted.
                                  stagingRoot.resolve(ss.sessionId() + "." + UUID.randomUUID()),
                                  Math.min(maxUploadBytes, room));
                        }
                        try {
                          upload.accept(request);
                        } catch (ArtifactUpload.TooLarge tooLarge) {
                          throw tooLarge.maxBytes() < maxUploadBytes
                              ? sessionFull(
                                  ss, "this upload passed it after " + upload.bytes() + " bytes")
                              : RpcFailure.of(
                                  ErrorStatus.RESOURCE_EXHAUSTED, tooLarge.getMessage());
                        }
                        return ss;
                      }))
          .onComplete(
              done ->
                  context.runOnContext(
                      v -> {
                        if (done.failed()
                            && first
                            && done.cause() instanceof ForwardRequired owner) {
                          // The owner takes the whole upload: this message, then the rest of the
                          // stream.
                          failed = true;
                          forwarder.clientStream(method, request, call, owner, caller);
                        } else if (done.failed()) {
                          fail(done.cause());
                        } else {
                          session = done.result();
                          call.fetch(1);
                        }
                      }));
    }

    private void onEnd() {
      if (failed) {
        return;
      }
      if (session == null) {
        fail(RpcFailure.of(ErrorStatus.INVALID_ARGUMENT, "AddArtifacts carried no artifact"));
        return;
      }
      List<Replicated> replicated = new ArrayList<>();
      current()
          .compose(current -> finish(current, replicated))
          .onComplete(
              done ->
                  context.runOnContext(
                      v -> {
                        if (done.failed()) {
                          fail(done.cause());
                        } else {
                          call.response().end(done.result());
                        }
                      }));
    }

    /**
     * The call's session, marked used: each message keeps it awake, as any call does, however
     * slowly the upload comes. One that hibernated all the same (no message for {@code
     * vxconnect.session.hibernateAfter}) is woken, as its next call would.
     */
    private Future<Session> current() {
      return session != null && session.touch()
          ? Future.succeededFuture(session)
          : calls.sessions().getOrCreate(sessionIds);
    }

    /** Hands the received artifacts to the session, keeps those to keep, and answers. */
    private Future<AddArtifactsResponse> finish(Session current, List<Replicated> replicated) {
      return calls
          .blocking(
              current,
              s -> {
                AddArtifactsResponse.Builder response =
                    AddArtifactsResponse.newBuilder()
                        .setSessionId(s.sessionId())
                        .setServerSideSessionId(s.serverSideSessionId());
                try (ArtifactUpload finished = upload) {
                  List<ArtifactUpload.Staged> received = finished.complete();
                  long total = 0;
                  for (ArtifactUpload.Staged staged : received) {
                    total += staged.crcOk() ? Files.size(staged.file()) : 0;
                  }
                  if (!s.reserveArtifactBytes(total, maxSessionBytes)) {
                    throw sessionFull(s, "this upload brings " + total + " more");
                  }
                  long added = 0;
                  try {
                    for (ArtifactUpload.Staged staged : received) {
                      if (staged.crcOk()) {
                        long size = Files.size(staged.file());
                        if (calls.sessions().recorder().keepsArtifact(size)) {
                          // Read before the session takes the file.
                          byte[] bytes = Files.readAllBytes(staged.file());
                          replicated.add(new Replicated(staged.name(), sha256(bytes), bytes));
                        } else {
                          s.heldUnkeptArtifact(); // it must not hibernate: nothing would bring
                          // it back
                        }
                        s.context().addArtifact(staged.name(), staged.file());
                        added += size;
                      }
                      response.addArtifacts(ArtifactUpload.summary(staged));
                    }
                  } finally {
                    s.releaseArtifactBytes(total - added);
                  }
                }
                return response.build();
              })
          .compose(
              response ->
                  Future.all(
                          replicated.stream()
                              .map(
                                  r ->
                                      calls
                                          .sessions()
                                          .recorder()
                                          .keepArtifact(current, r.name(), r.sha256(), r.bytes()))
                              .toList())
                      .map(response));
    }

    private void fail(Throwable failure) {
      failed = true;
      calls.failures().send(call.response(), failure, session == null ? null : session.context());
      cleanUp();
    }

    private void cleanUp() {
      ArtifactUpload toDelete = upload;
      upload = null;
      if (toDelete != null && session != null) {
        calls.blocking(
            session,
            s -> {
              toDelete.close();
              return null;
            });
      }
    }
  }
}
