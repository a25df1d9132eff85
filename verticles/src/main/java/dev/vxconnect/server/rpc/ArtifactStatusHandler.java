package dev.vxconnect.server.rpc;

import dev.vxconnect.server.session.RequestContext;
import io.vertx.core.Future;
import org.apache.spark.connect.proto.ArtifactStatusesRequest;
import org.apache.spark.connect.proto.ArtifactStatusesResponse;

/**
 * ArtifactStatus: which {@code cache/<sha256>} artifacts the session already holds, so the client
 * uploads only the missing ones. Other names are reported absent, as Spark does.
 */
public final class ArtifactStatusHandler {

  private static final String CACHE_PREFIX = "cache/";

  private final SessionCalls calls;

  public ArtifactStatusHandler(SessionCalls calls) {
    this.calls = calls;
  }

  public Future<ArtifactStatusesResponse> handle(
      ArtifactStatusesRequest request, RequestContext context) {
    return calls.run(
        context,
        session -> {
          ArtifactStatusesResponse.Builder response =
              ArtifactStatusesResponse.newBuilder()
                  .setSessionId(request.getSessionId())
                  .setServerSideSessionId(session.serverSideSessionId());
          for (String name : request.getNamesList()) {
            boolean exists =
                name.startsWith(CACHE_PREFIX)
                    && session.context().hasCachedArtifact(name.substring(CACHE_PREFIX.length()));
            response.putStatuses(
                name,
                ArtifactStatusesResponse.ArtifactStatus.newBuilder().setExists(exists).build());
          }
          return response.build();
        });
  }
}
