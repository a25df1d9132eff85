package dev.vxconnect.planner.spark;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Follows the Spark jobs of running operations (by their job tag) and describes their progress
 * as Spark's server does in ExecutionProgress responses: per stage the tasks done out of all and
 * the input bytes read, plus the tasks in flight. Fed by Spark's listener bus thread, read by the
 * server's progress reporter.
 */
final class ProgressTracker extends SparkListener {

  private static final class Stage {
    final int id;
    final int tasks;
    int completedTasks;
    long inputBytes;
    boolean done;

    Stage(int id, int tasks) {
      this.id = id;
      this.tasks = tasks;
    }
  }

  private static final class Operation {
    final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean changed = new AtomicBoolean();
  }

  private final Map<String, Operation> byJobTag = new ConcurrentHashMap<>();

  void track(String jobTag) {
    byJobTag.put(jobTag, new Operation());
  }

  void forget(String jobTag) {
    byJobTag.remove(jobTag);
  }

  /** The operation's progress, if it changed since last asked (or always, when forced). */
  Optional<ExecutePlanResponse> progress(String jobTag, boolean force) {
    Operation op = byJobTag.get(jobTag);
    if (op == null || !(op.changed.getAndSet(false) || force)) {
      return Optional.empty();
    }
    ExecutePlanResponse.ExecutionProgress.Builder progress =
        ExecutePlanResponse.ExecutionProgress.newBuilder().setNumInflightTasks(op.inFlight.get());
    op.stages.values().stream()
        .sorted((a, b) -> Integer.compare(a.id, b.id))
        .forEach(
            stage -> {
              synchronized (stage) {
                progress.addStages(
                    ExecutePlanResponse.ExecutionProgress.StageInfo.newBuilder()
                        .setStageId(stage.id)
                        .setNumTasks(stage.tasks)
                        .setNumCompletedTasks(stage.completedTasks)
                        .setInputBytesRead(stage.inputBytes)
                        .setDone(stage.done));
              }
            });
    return Optional.of(ExecutePlanResponse.newBuilder().setExecutionProgress(progress).build());
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    String tags =
        jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.job.tags");
    if (tags == null) {
      return;
    }
    Arrays.stream(tags.split(","))
        .map(String::trim)
        .map(byJobTag::get)
        .filter(o -> o != null)
        .forEach(
            op -> {
              for (StageInfo stage : CollectionConverters.asJava(jobStart.stageInfos())) {
                op.stages.putIfAbsent(
                    stage.stageId(), new Stage(stage.stageId(), stage.numTasks()));
              }
              op.changed.set(true);
            });
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart taskStart) {
    for (Operation op : byJobTag.values()) {
      if (op.stages.containsKey(taskStart.stageId())) {
        op.inFlight.incrementAndGet();
        op.changed.set(true);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    for (Operation op : byJobTag.values()) {
      Stage stage = op.stages.get(taskEnd.stageId());
      if (stage != null) {
        synchronized (stage) {
          stage.completedTasks++;
          if (taskEnd.taskMetrics() != null) {
            stage.inputBytes += taskEnd.taskMetrics().inputMetrics().bytesRead();
          }
        }
        op.inFlight.updateAndGet(n -> Math.max(0, n - 1));
        op.changed.set(true);
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted stageCompleted) {
    for (Operation op : byJobTag.values()) {
      Stage stage = op.stages.get(stageCompleted.stageInfo().stageId());
      if (stage != null) {
        synchronized (stage) {
          stage.done = true;
        }
        op.changed.set(true);
      }
    }
  }
}
