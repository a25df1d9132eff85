package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.Cancellation;
import dev.vxconnect.planner.ResponseSink;
import dev.vxconnect.planner.ServerError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkThrowable;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.QueryPlanningTracker;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.Dataset$;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.common.DataTypeProtoConverter$;
import org.apache.spark.sql.connect.config.Connect$;
import org.apache.spark.sql.connect.planner.InvalidInputErrors$;
import org.apache.spark.sql.connect.planner.SparkConnectPlanner;
import org.apache.spark.sql.connect.service.ExecuteHolder;
import org.apache.spark.sql.connect.service.ExecuteKey;
import org.apache.spark.sql.connect.service.ExecuteSessionTag$;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.utils.MetricGenerator$;
import org.apache.spark.sql.connect.utils.PlanCompressionUtils$;
import org.apache.spark.sql.execution.DoNotCleanup$;
import org.apache.spark.sql.execution.RemoveShuffleFiles$;
import org.apache.spark.sql.execution.ShuffleCleanupMode;
import org.apache.spark.sql.execution.SkipMigration$;
import org.apache.spark.sql.internal.SQLConf;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * One ExecutePlan on the Spark side, on the calling (worker) thread: a relation becomes schema,
 * Arrow batches, metrics and observed metrics; a command goes through Spark's planner with a
 * per-operation ExecuteHolder (never started: that would start Spark's own execute thread). The
 * operation's Spark job tags are set for its duration so interrupts can cancel its jobs.
 */
final class PlanExecution {

  private static final String SCHEDULER_POOL = "spark.scheduler.pool";

  private final SessionHolder session;
  private final ExecutePlanRequest request;
  private final ResponseSink sink;
  private final Cancellation cancellation;
  private final long windowBytes;
  private final ProgressTracker progress;
  private final StreamingListenerBus listenerBus;
  private final OperationEvents events;
  private final Optional<LocalPathPolicy> paths;

  PlanExecution(
      SessionHolder session,
      ExecutePlanRequest request,
      ResponseSink sink,
      Cancellation cancellation,
      long windowBytes,
      ProgressTracker progress,
      StreamingListenerBus listenerBus,
      OperationEvents events,
      Optional<LocalPathPolicy> paths) {
    this.session = session;
    this.request = request;
    this.sink = sink;
    this.cancellation = cancellation;
    this.windowBytes = windowBytes;
    this.progress = progress;
    this.listenerBus = listenerBus;
    this.events = events;
    this.paths = paths;
  }

  void run() {
    Plan plan = PlanCompressionUtils$.MODULE$.decompressPlan(request.getPlan());
    ExecutePlanRequest effective =
        plan == request.getPlan() ? request : request.toBuilder().setPlan(plan).build();
    ExecuteHolder holder =
        new ExecuteHolder(
            new ExecuteKey(session.userId(), session.sessionId(), request.getOperationId()),
            effective,
            session);
    events.started(holder);
    Throwable failure = null;
    try {
      session.withSession(
          spark -> {
            runTagged(spark, holder, plan);
            return BoxedUnit.UNIT;
          });
    } catch (Throwable e) {
      failure = e;
      throw Throwables.rethrow(e);
    } finally {
      events.ended(holder.operationId(), failure, cancellation.isCancelled());
    }
  }

  private void runTagged(SparkSession spark, ExecuteHolder holder, Plan plan) {
    SparkContext sc = spark.sparkContext();
    List<String> tags = new ArrayList<>();
    tags.add(holder.jobTag());
    for (String tag : CollectionConverters.asJava(holder.sparkSessionTags())) {
      tags.add(ExecuteSessionTag$.MODULE$.apply(session.userId(), session.sessionId(), tag));
    }
    tags.forEach(sc::addJobTag);
    progress.track(holder.jobTag());
    sc.setJobDescription("Spark Connect - " + describe(plan));
    sc.setLocalProperty(SCHEDULER_POOL, "user:" + session.userId());
    sc.setInterruptOnCancel(true);
    try {
      checkNotCancelled();
      switch (plan.getOpTypeCase()) {
        case ROOT -> runRelation(spark, holder, plan);
        case COMMAND -> runCommand(spark, holder, plan);
        default ->
            throw Throwables.rethrow(
                InvalidInputErrors$.MODULE$.invalidOneOfField(
                    plan.getOpTypeCase(), plan.getDescriptorForType()));
      }
      ObservedMetrics.ofObservations(holder).ifPresent(sink::send);
    } catch (Throwable e) {
      sc.cancelJobsWithTag(holder.jobTag(), "a job of the same operation failed");
      throw Throwables.rethrow(e);
    } finally {
      // Worker threads are reused: leave no job tag or description behind for the next operation.
      progress.forget(holder.jobTag());
      tags.forEach(sc::removeJobTag);
      sc.setJobDescription(null);
      sc.setLocalProperty(SCHEDULER_POOL, null);
    }
  }

  private void runCommand(SparkSession spark, ExecuteHolder holder, Plan plan) {
    if (plan.getCommand().hasWriteStreamOperationStart()) {
      paths.ifPresent(
          policy ->
              policy.checkStreamingSink(plan.getCommand().getWriteStreamOperationStart(), spark));
    }
    if (plan.getCommand().hasStreamingQueryListenerBusCommand()) {
      // Spark's own handling needs its execution observer; ours keeps the stream open instead.
      listenerBus.run(plan.getCommand().getStreamingQueryListenerBusCommand(), sink, cancellation);
    } else if (plan.getCommand().hasCreateResourceProfileCommand()) {
      createResourceProfile(holder, plan);
    } else {
      new SparkConnectPlanner(holder).process(plan.getCommand(), new SinkObserver(sink));
    }
  }

  /**
   * Spark refuses resource profiles its cluster manager cannot honour (any on a local master) with
   * a SparkException of no error class; the client gets a named error carrying Spark's reason.
   */
  private void createResourceProfile(ExecuteHolder holder, Plan plan) {
    try {
      new SparkConnectPlanner(holder).process(plan.getCommand(), new SinkObserver(sink));
    } catch (Exception e) {
      if (e instanceof SparkThrowable named && named.getCondition() != null) {
        throw Throwables.rethrow(e);
      }
      throw new ServerError(
          ServerError.RESOURCE_PROFILE,
          "0A000",
          "This server's Spark cannot create the resource profile: " + e.getMessage());
    }
  }

  private void runRelation(SparkSession spark, ExecuteHolder holder, Plan plan) {
    QueryPlanningTracker tracker = holder.eventsManager().createQueryPlanningTracker();
    SparkConnectPlanner planner = new SparkConnectPlanner(holder);
    Dataset<Row> dataset =
        Dataset$.MODULE$.ofRows(
            spark,
            planner.transformRelation(plan.getRoot(), true),
            tracker,
            shuffleCleanupMode(spark));
    sink.send(
        ExecutePlanResponse.newBuilder()
            .setSchema(
                DataTypeProtoConverter$.MODULE$.toConnectProtoType(
                    dataset.schema(),
                    DataTypeProtoConverter$.MODULE$.toConnectProtoType$default$2()))
            .build());
    sink.reproducible(dataset.queryExecution().analyzed().deterministic());
    ArrowBatchSender sender = new ArrowBatchSender(sink, maxChunkBytes(spark, holder));
    new ArrowResultStreamer(holder, sender, new FetchedBytes(sink), cancellation, windowBytes)
        .stream(dataset);
    sink.send(MetricGenerator$.MODULE$.createMetricsResponse(session, dataset));
    ObservedMetrics.ofDataset(holder, dataset).ifPresent(sink::send);
  }

  /** The chunk size for result chunking, or 0 when the client did not ask for it. */
  private static int maxChunkBytes(SparkSession spark, ExecuteHolder holder) {
    if (!holder.resultChunkingEnabled()) {
      return 0;
    }
    int limit =
        ((Number)
                spark.conf().get(Connect$.MODULE$.CONNECT_SESSION_RESULT_CHUNKING_MAX_CHUNK_SIZE()))
            .intValue();
    Option<Object> preferred = holder.preferredArrowChunkSize();
    if (preferred.isDefined()) {
      int size = ((Number) preferred.get()).intValue();
      if (size >= 1024 && size <= limit) {
        return size;
      }
    }
    return limit;
  }

  private static ShuffleCleanupMode shuffleCleanupMode(SparkSession spark) {
    SQLConf conf = spark.sessionState().conf();
    if (Boolean.TRUE.equals(
        conf.getConf(SQLConf.CONNECT_SHUFFLE_DEPENDENCY_FILE_CLEANUP_ENABLED()))) {
      return RemoveShuffleFiles$.MODULE$;
    }
    if (Boolean.TRUE.equals(conf.getConf(SQLConf.SHUFFLE_DEPENDENCY_SKIP_MIGRATION_ENABLED()))) {
      return SkipMigration$.MODULE$;
    }
    return DoNotCleanup$.MODULE$;
  }

  private void checkNotCancelled() {
    if (cancellation.isCancelled()) {
      throw new CancellationException("operation was interrupted");
    }
  }

  private String describe(Plan plan) {
    String what =
        switch (plan.getOpTypeCase()) {
          case ROOT -> plan.getRoot().getRelTypeCase().name();
          case COMMAND -> plan.getCommand().getCommandTypeCase().name();
          default -> plan.getOpTypeCase().name();
        };
    return what + " (operation " + request.getOperationId() + ")";
  }
}
