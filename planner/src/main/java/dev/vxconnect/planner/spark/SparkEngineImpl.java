package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.EngineOptions;
import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SessionContext;
import dev.vxconnect.planner.SparkEngine;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connect.config.Connect$;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.util.ShutdownHookManager$;
import scala.runtime.BoxedUnit;

/** The embedded Spark driver: one SparkContext, one base session, isolated sessions from it. */
public final class SparkEngineImpl implements SparkEngine {

  private static final int SERVER_SHUTDOWN_PRIORITY = 1000;

  private final SparkSession base;
  private final EngineOptions options;
  private final Optional<LocalPathPolicy> paths;
  private final ProgressTracker progress = new ProgressTracker();
  private final PersistedPlans persisted = new PersistedPlans();

  private SparkEngineImpl(
      SparkSession base, EngineOptions options, Optional<LocalPathPolicy> paths) {
    this.base = base;
    this.options = options;
    this.paths = paths;
    base.sparkContext().addSparkListener(progress);
  }

  public static SparkEngine start(EngineOptions options) {
    SparkConf conf = new SparkConf(false);
    options.sparkConf().forEach(conf::set);
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", "vxconnect");
    // Each user's jobs run in a scheduler pool of their own (PlanExecution), so that one user's
    // queries cannot starve the others'.
    conf.setIfMissing("spark.scheduler.mode", "FAIR");
    // Executors of a cluster encode result batches with our classes: ship them (ExecutorJars).
    String jars = ExecutorJars.sparkJars(conf.get("spark.master"), conf.get("spark.jars", ""));
    if (!jars.isEmpty()) {
      conf.set("spark.jars", jars);
    }
    // As Spark's Connect server: each session gets its own artifacts and class loader.
    conf.set(SQLConf.ARTIFACTS_SESSION_ISOLATION_ENABLED().key(), "true");
    conf.set(SQLConf.ARTIFACTS_SESSION_ISOLATION_ALWAYS_APPLY_CLASSLOADER().key(), "true");
    Optional<HiveMetastore> metastore =
        options.metastoreDatabase().flatMap(db -> HiveMetastore.configure(conf, db));
    Optional<LocalPathPolicy> paths = LocalPathPolicy.of(options.allowedLocalPaths());
    SparkSession root =
        SparkSession.builder()
            .config(conf)
            .withExtensions(
                extensions -> {
                  paths.ifPresent(policy -> policy.install(extensions));
                  return BoxedUnit.UNIT;
                })
            .getOrCreate();
    // Registers the spark.connect.* SQL confs (e.g. the plan compression threshold the client
    // asks for), which only exist once Spark's Connect config object is loaded.
    Connect$.MODULE$.CONNECT_SESSION_PLAN_COMPRESSION_THRESHOLD();
    metastore.ifPresent(m -> m.prepare(root));
    ConnectUi.attach(root.sparkContext());
    PoolThreads.install();
    return new SparkEngineImpl(root.newSession(), options, paths);
  }

  @Override
  public SessionContext openSession(String userId, String sessionId) {
    return new SparkSessionContext(
        new SessionHolder(userId, sessionId, base.newSession()),
        options,
        paths,
        progress,
        persisted);
  }

  @Override
  public String warehouse() {
    // Qualified as Spark stores table locations (file:/..., hdfs://...), so instances compare
    // alike.
    return base.sharedState().conf().get("spark.sql.warehouse.dir");
  }

  @Override
  public String sparkVersion() {
    return base.version();
  }

  @Override
  public ErrorStatus toErrorStatus(Throwable failure) {
    return SparkErrorMapper.toStatus(failure, null);
  }

  @Override
  public void onShutdown(Runnable stopServing) {
    // Spark stops its executors (priority 100) and SparkContext (50) from its own shutdown hooks;
    // hooks with a higher priority run first. They run inside a Hadoop shutdown hook, bounded by
    // hadoop.service.shutdown.timeout (30 s by default).
    ShutdownHookManager$.MODULE$.addShutdownHook(
        SERVER_SHUTDOWN_PRIORITY,
        () -> {
          stopServing.run();
          return BoxedUnit.UNIT;
        });
  }

  @Override
  public void close() {
    base.sparkContext().stop();
  }
}
