package dev.vxconnect.planner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.FetchErrorDetailsResponse;

/**
 * One Spark Connect session's Spark side: its isolated SparkSession (conf, temp views, functions,
 * artifacts) and Spark's per-session Connect context. Every method may block and must be called
 * from a worker thread, never from an event loop. Responses come back without session ids: the
 * server stamps those.
 */
public interface SessionContext {

  String userId();

  String sessionId();

  /** Runs one Config operation (set, get, get_with_default, get_option, get_all, unset, is_modifiable). */
  ConfigResponse.Builder config(ConfigRequest.Operation operation);

  /** Answers one AnalyzePlan request (any kind). */
  AnalyzePlanResponse.Builder analyze(AnalyzePlanRequest request);

  /**
   * Runs one ExecutePlan request to its end: a relation's schema, Arrow batches and metrics, or a
   * command's results, handed to {@code sink} in order. ResultComplete is not the planner's to send.
   * Throws what Spark throws; {@link #toErrorStatus} turns it into a wire status.
   */
  void execute(ExecutePlanRequest request, ResponseSink sink, Cancellation cancellation)
      throws Exception;

  /**
   * The server is done with an operation (released by its client, abandoned, or forgotten): its
   * closed event is posted once its run has ended. Does not block; may be called from an event
   * loop.
   */
  void operationReleased(String operationId);

  /**
   * The progress of a running operation's Spark jobs as an ExecutionProgress response, if it
   * changed since last asked (or always when {@code force}). Does not block: it reads what a
   * Spark listener gathered, so it may be called from an event loop.
   */
  Optional<ExecutePlanResponse> progress(String operationId, boolean force);

  /**
   * How often to report progress ({@code spark.connect.progress.reportInterval} of the session);
   * zero or negative: never.
   */
  Duration progressInterval();

  /**
   * Stops the session's streaming queries (those carrying {@code tag}, or all), as part of an
   * interrupt; returns the ids of the operations that started them.
   */
  List<String> stopStreamingQueries(Optional<String> tag);

  /**
   * The checkpoint location the user chose for the streaming query that {@code request} (a
   * WriteStreamOperationStart) starts, from which another instance can start it again; empty when
   * Spark would give it a temporary one, or when the request starts no streaming query.
   */
  Optional<String> streamingCheckpoint(ExecutePlanRequest request);

  /**
   * Calls {@code ended} with the query id whenever one of the session's streaming queries ends
   * (stopped, failed or done). It is called on Spark's listener thread and must not block.
   */
  void onStreamingQueryEnd(Consumer<String> ended);

  /** Stops the session's streaming queries and waits until they have stopped. */
  void stopStreamingQueriesNow();

  /**
   * Whether running {@code request} changes the session's own state (conf, current namespace,
   * temporary views, functions, variables, jars), so that it must be recorded for replay when
   * another instance rebuilds the session.
   */
  boolean changesSessionState(ExecutePlanRequest request);

  /**
   * What {@code request}, a state-changing request that has just run, did to the session's
   * catalog state (current catalog and namespace, cached tables), so that its record keeps only
   * what is in force; empty for any other change (it is recorded as it is).
   */
  Optional<CatalogEffect> catalogEffect(ExecutePlanRequest request);

  /**
   * Runs a recorded state-changing request again while the session is rebuilt, its results
   * dropped. As {@link #execute}, except that a table or view it caches is cached lazily (as
   * {@code CACHE LAZY TABLE}): the first query that reads it fills the cache on this instance.
   */
  void replay(ExecutePlanRequest request) throws Exception;

  /** Sets the current catalog and namespace (replays a recorded CURRENT_NAMESPACE change). */
  void setCurrentNamespace(String catalog, List<String> namespace);

  /** Uncaches a table or view by its quoted multipart name, if it is cached. */
  void uncache(String name);

  /** Cancels the Spark jobs of one running operation of this session. */
  void cancelJobs(String operationId);

  /** Whether the content-addressed artifact {@code cache/<hash>} is already held by the session. */
  boolean hasCachedArtifact(String hash);

  /**
   * Moves a fully received, checked artifact into the session: jars and classes join the session's
   * class loader, {@code cache/<hash>} entries feed cached local relations.
   *
   * @param name the client's artifact name, already validated (relative, no {@code ..})
   * @throws RuntimeException INVALID_HANDLE.SESSION_CLOSED once the session has closed
   */
  void addArtifact(String name, Path stagedFile);

  /** The server-side error details of an earlier failure of this session, once. */
  Optional<FetchErrorDetailsResponse> takeErrorDetails(String errorId);

  /** Maps a failure of this session to its wire status, keeping the details for FetchErrorDetails. */
  ErrorStatus toErrorStatus(Throwable failure);

  /**
   * A new session with a copy of this one's conf, temp views, functions and artifacts;
   * INVALID_HANDLE.SESSION_CLOSED once this one has closed.
   */
  SessionContext cloneAs(String newSessionId);

  /**
   * What the session holds that lives only in this process, which a rebuild from its record would
   * not bring back (a running streaming query, ML models, persisted DataFrames...), so that it must
   * not be released while idle; empty if it holds nothing of the kind.
   */
  Optional<String> heldOnlyHere();

  /** Frees the session's Spark resources (artifacts, cached data). */
  void close();
}
