package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.CatalogEffect;
import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.ServerError;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.FetchErrorDetailsResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.artifact.ArtifactManager$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.config.Connect$;
import org.apache.spark.sql.connect.ml.MLHandler$;
import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.service.ExecuteJobTag$;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SparkConnectAnalyzeHandler;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.connect.utils.ErrorUtils$;
import org.apache.spark.sql.connect.utils.PlanCompressionUtils$;
import org.apache.spark.storage.CacheId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.connect.protobuf.Message;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/** A session's Spark side: a SessionHolder over an isolated SparkSession. */
final class SparkSessionContext implements SessionContext {

  private static final Logger LOG = LoggerFactory.getLogger(SparkSessionContext.class);

  private final SessionHolder holder;
  private final EngineOptions options;
  private final Optional<LocalPathPolicy> paths;
  private final ProgressTracker progress;
  private final PersistedPlans persisted;
  private final StreamingListenerBus listenerBus;
  private final OperationEvents operationEvents = new OperationEvents();
  private final Object artifactLock = new Object();
  private final WorkInProgress work;

  SparkSessionContext(
      SessionHolder holder,
      EngineOptions options,
      Optional<LocalPathPolicy> paths,
      ProgressTracker progress,
      PersistedPlans persisted) {
    this.holder = holder;
    this.options = options;
    this.paths = paths;
    this.progress = progress;
    this.persisted = persisted;
    this.listenerBus = new StreamingListenerBus(holder);
    this.work = new WorkInProgress(holder.sessionId());
    // Posts the session's "started" event; execution events assert it.
    holder.initializeSession();
  }

  @Override
  public String userId() {
    return holder.userId();
  }

  @Override
  public String sessionId() {
    return holder.sessionId();
  }

  @Override
  public ConfigResponse.Builder config(ConfigRequest.Operation operation) {
    return holder.withSession(spark -> new SessionConfig(spark.conf()).apply(operation));
  }

  @Override
  public AnalyzePlanResponse.Builder analyze(AnalyzePlanRequest request) {
    // Spark's handler answers every kind and decompresses plans itself; its process() is used
    // directly because handle() would look the session up in Spark's own session manager.
    refuseUnserved(request);
    // Counted: an analysis may run jobs (a schema inferred from files, for one).
    work.begin();
    try {
      return holder.withSession(
          spark -> {
            AnalyzePlanResponse.Builder answer =
                new SparkConnectAnalyzeHandler(null).process(request, holder).toBuilder();
            track(spark, request);
            return answer;
          });
    } finally {
      work.end();
    }
  }

  /**
   * Notes what a Persist or Unpersist that Spark has just done changed, so that the session's
   * close uncaches what it persisted. Spark's answer stands even if this fails: the client's
   * DataFrame is cached, only its release at close is lost (and logged).
   */
  private void track(SparkSession spark, AnalyzePlanRequest request) {
    try {
      switch (request.getAnalyzeCase()) {
        case PERSIST ->
            persisted.persisted(
                spark.sessionUUID(), dataset(spark, request.getPersist().getRelation()));
        case UNPERSIST ->
            persisted.unpersisted(dataset(spark, request.getUnpersist().getRelation()));
        default -> {}
      }
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("user", holder.userId())
          .addKeyValue("session", holder.sessionId())
          .setCause(e)
          .log(
              "Session {}: a {} is not tracked; its cache entry outlives the session: {}",
              holder.sessionId(),
              request.getAnalyzeCase(),
              e.toString());
    }
  }

  /** The DataFrame of {@code relation}, as Spark's analyze handler builds it (not executed). */
  private Dataset<Row> dataset(SparkSession spark, Relation relation) {
    var plan = new SparkConnectPlanner(holder, Option.empty()).transformRelation(relation, true);
    return org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(spark, plan);
  }

  @Override
  public void execute(ExecutePlanRequest request, ResponseSink sink, Cancellation cancellation) {
    refuseUnserved(request);
    work.begin();
    try {
      new PlanExecution(
              holder,
              request,
              sink,
              cancellation,
              options.resultWindowBytes(),
              progress,
              listenerBus,
              operationEvents,
              paths)
          .run();
    } finally {
      // Spark's ML handler leaves the session in a thread-local of the thread that ran an ML
      // command, and never removes it: our worker threads live on, and each would keep the last
      // session it ran ML for (its SparkSession, state and cached models) after that session
      // closed.
      MLHandler$.MODULE$.currentSessionHolder().remove();
      work.end();
    }
  }

  /**
   * FEATURE_NOT_ENABLED for Python-only features when this server runs no Python worker, and a
   * named error for the cases Spark's planner can only fail on here ({@link UnservedCases}).
   */
  private void refuseUnserved(Message request) {
    boolean python = options.pythonEnabled();
    // One walk over the request's messages for both checks (plans can be large).
    PlanMessages.visit(
        request,
        message -> {
          UnservedCases.check(message);
          if (!python) {
            PythonFeatures.of(message)
                .ifPresent(
                    feature -> {
                      throw SparkErrors.raise(
                          "FEATURE_NOT_ENABLED",
                          Map.of(
                              "featureName",
                                  feature + " (this server's executors run no Python worker)",
                              "configKey", "vxconnect.python.enabled",
                              "configValue", "true"));
                    });
          }
        });
  }

  @Override
  public boolean changesSessionState(ExecutePlanRequest request) {
    return holder.withSession(
        spark ->
            SessionStateChanges.changesState(
                spark, PlanCompressionUtils$.MODULE$.decompressPlan(request.getPlan())));
  }

  @Override
  public Optional<CatalogEffect> catalogEffect(ExecutePlanRequest request) {
    return holder.withSession(
        spark ->
            CatalogState.effect(
                spark, PlanCompressionUtils$.MODULE$.decompressPlan(request.getPlan())));
  }

  @Override
  public void replay(ExecutePlanRequest request) {
    Plan plan = PlanCompressionUtils$.MODULE$.decompressPlan(request.getPlan());
    Optional<LogicalPlan> lazyCache =
        plan.hasCommand() && plan.getCommand().hasSqlCommand()
            ? holder.withSession(
                spark -> CatalogState.lazyCache(spark, plan.getCommand().getSqlCommand()))
            : Optional.empty();
    if (lazyCache.isPresent()) {
      holder.withSession(
          spark -> org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(spark, lazyCache.get()));
      return;
    }
    try {
      execute(request, response -> {}, Cancellation.NEVER);
    } finally {
      // A replayed request has no client to release it.
      operationEvents.released(request.getOperationId());
    }
  }

  @Override
  public void operationReleased(String operationId) {
    operationEvents.released(operationId);
  }

  @Override
  public void setCurrentNamespace(String catalog, List<String> namespace) {
    holder.withSession(
        spark -> {
          var catalogs = spark.sessionState().catalogManager();
          catalogs.setCurrentCatalog(catalog);
          String[] wanted = namespace.toArray(String[]::new);
          // Already there (e.g. a catalog's default namespace, which it need not list as existing).
          if (!Arrays.equals(catalogs.currentNamespace(), wanted)) {
            catalogs.setCurrentNamespace(wanted);
          }
          return null;
        });
  }

  @Override
  public void uncache(String name) {
    holder.withSession(
        spark -> {
          spark.catalog().uncacheTable(name);
          return null;
        });
  }

  @Override
  public Optional<ExecutePlanResponse> progress(String operationId, boolean force) {
    return progress.progress(jobTag(operationId), force);
  }

  @Override
  public Duration progressInterval() {
    Object millis =
        holder
            .session()
            .sessionState()
            .conf()
            .getConf(Connect$.MODULE$.CONNECT_PROGRESS_REPORT_INTERVAL());
    return Duration.ofMillis(((Number) millis).longValue());
  }

  @Override
  public void cancelJobs(String operationId) {
    holder
        .session()
        .sparkContext()
        .cancelJobsWithTag(jobTag(operationId), "the operation was interrupted");
  }

  private String jobTag(String operationId) {
    return ExecuteJobTag$.MODULE$.apply(holder.userId(), holder.sessionId(), operationId);
  }

  @Override
  public List<String> stopStreamingQueries(Optional<String> tag) {
    var cache = SparkConnectService$.MODULE$.streamingSessionManager();
    if (tag.isEmpty()) {
      return CollectionConverters.asJava(cache.cleanupRunningQueries(holder, false));
    }
    List<String> stopped = new ArrayList<>();
    for (var query :
        CollectionConverters.asJava(cache.getTaggedQuery(tag.get(), holder.session()))) {
      try {
        query.query().stop();
      } catch (TimeoutException e) {
        // Spark waits spark.sql.streaming.stopTimeout for the query's thread; it goes on stopping.
      }
      stopped.add(query.operationId());
    }
    return stopped;
  }

  @Override
  public Optional<String> streamingCheckpoint(ExecutePlanRequest request) {
    Plan plan = PlanCompressionUtils$.MODULE$.decompressPlan(request.getPlan());
    if (!plan.hasCommand() || !plan.getCommand().hasWriteStreamOperationStart()) {
      return Optional.empty();
    }
    return StreamingCheckpoints.chosenBy(
        plan.getCommand().getWriteStreamOperationStart(), holder.session());
  }

  @Override
  public void onStreamingQueryEnd(Consumer<String> ended) {
    holder.session().streams().addListener(new StreamingQueryEnds(ended));
  }

  @Override
  public void stopStreamingQueriesNow() {
    SparkConnectService$.MODULE$.streamingSessionManager().cleanupRunningQueries(holder, true);
  }

  @Override
  public boolean hasCachedArtifact(String hash) {
    CacheId block = new CacheId(holder.session().sessionUUID(), hash);
    return SparkEnv.get().blockManager().getStatus(block).isDefined();
  }

  /**
   * One at a time per session: Spark checks whether an artifact's target exists, then moves the
   * file there, so two uploads of one name at once would fail the second with a bare
   * FileAlreadyExistsException instead of Spark's answer to a duplicate (accepted if equal, else
   * "Duplicate Artifact"). And never beside the session's close (see {@link #close}).
   */
  @Override
  public void addArtifact(String name, Path stagedFile) {
    synchronized (artifactLock) {
      work.refuseIfClosed();
      addArtifactNow(name, stagedFile);
    }
  }

  private void addArtifactNow(String name, Path stagedFile) {
    String canonical = name;
    Option<String> fragment = Option.empty();
    if (name.startsWith("archives/")) {
      // "archives/x.zip#alias": the part after '#' names the directory the archive unpacks to.
      int hash = name.indexOf('#');
      if (hash >= 0) {
        canonical = name.substring(0, hash);
        fragment = Option.apply(name.substring(hash + 1));
      }
    }
    Path path = Paths.get(canonical);
    if (path.startsWith(ArtifactManager$.MODULE$.forwardToFSPrefix())) {
      if (!options.copyToLocalFsAllowed() && isLocalDestination(path)) {
        // Spark lets a session allow this with a SQL conf of its own; a shared server must not.
        throw new ServerError(
            LocalPathPolicy.NOT_ALLOWED,
            "42501",
            "Uploading an artifact to a path on the server's local file system is not allowed"
                + " (vxconnect.artifacts.allowCopyToLocalFs): "
                + path);
      }
      holder.artifactManager().uploadArtifactToFs(path, stagedFile);
    } else {
      holder.addArtifact(path, stagedFile, fragment);
    }
  }

  /** Whether a {@code forward_to_fs/...} artifact would land on the driver's local file system. */
  private boolean isLocalDestination(Path path) {
    String destination = "/" + path.subpath(1, path.getNameCount());
    try {
      FileSystem fs =
          new org.apache.hadoop.fs.Path(destination)
              .getFileSystem(holder.session().sparkContext().hadoopConfiguration());
      return "file".equals(fs.getUri().getScheme());
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public Optional<FetchErrorDetailsResponse> takeErrorDetails(String errorId) {
    Throwable failure = holder.errorIdToError().getIfPresent(errorId);
    if (failure == null) {
      return Optional.empty();
    }
    // As in Spark: details can be fetched once.
    holder.errorIdToError().invalidate(errorId);
    return Optional.of(ErrorUtils$.MODULE$.throwableToFetchErrorDetailsResponse(failure, true));
  }

  @Override
  public ErrorStatus toErrorStatus(Throwable failure) {
    return SparkErrorMapper.toStatus(failure, holder);
  }

  @Override
  public SessionContext cloneAs(String newSessionId) {
    SparkSession copy;
    // The copy of the artifact directory sees no add half done, and no close deleting it.
    synchronized (artifactLock) {
      work.refuseIfClosed();
      copy = holder.session().cloneSession();
    }
    return new SparkSessionContext(
        new SessionHolder(holder.userId(), newSessionId, copy),
        options,
        paths,
        progress,
        persisted);
  }

  @Override
  public Optional<String> heldOnlyHere() {
    if (holder.session().streams().active().length > 0) {
      return Optional.of("a running streaming query");
    }
    if (listenerBus.isOpen() || holder.listListenerIds().nonEmpty()) {
      return Optional.of("a streaming query listener");
    }
    // Asking for the ML cache would create it (and its directory): only if an ML command ran.
    if (Files.exists(SessionRelease.modelDirectory(holder.sessionId()))
        && !holder.mlCache().cachedModel().isEmpty()) {
      return Optional.of("ML models");
    }
    if (persisted.holdsAny(holder.session().sessionUUID())) {
      return Optional.of("persisted DataFrames");
    }
    if (!holder.dataFrameCache().isEmpty()) {
      return Optional.of("DataFrames cached for a streaming query");
    }
    if (holder.dataflowGraphRegistry().getAllDataflowGraphs().nonEmpty()) {
      return Optional.of("pipeline graphs");
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    // An add in progress ends first: Spark's addFile fetches the file from the driver's file
    // server, out of the directory the release below deletes, and a file deleted while it is sent
    // makes that server close the connection, failing every fetch on it (other sessions' adds and
    // tasks too). Adds and clones after this point are refused, as they would leave a directory
    // nobody deletes. Waited for without limit, unlike executions: a deletion under an add would
    // fail other sessions' fetches, not only this one's.
    synchronized (artifactLock) {
      work.close();
    }
    // The listener bus operation first: it ends the client's open "add listener" call, an
    // execution the release waits for.
    listenerBus.close();
    SessionRelease.release(holder, persisted, work);
    operationEvents.closeAll();
    holder.eventManager().postClosed();
  }
}
