package dev.joblib.spark.internal;

import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchSink;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Tells a call's sink when each of its batches starts to run on an executor, from the driver's
 * listener bus: a job's batches are recognised by a local property set on the job, and a Spark task
 * by its stage and partition. The call's timeout clock for a batch starts there, so a batch that
 * waits for a free core or for executors to register is not timed out.
 *
 * <p>The listener bus delivers events in order but late (milliseconds; more under a flood of
 * events, and Spark drops events when its queue overflows, logging that it did): a start reported
 * late only gives the batch a little more time.
 */
final class TaskStarts extends SparkListener {
  /** The local property that carries a job's wave id. */
  static final String WAVE = "joblib.wave";

  private final BatchSink sink;
  private final Map<String, List<Batch>> expected = new ConcurrentHashMap<>();
  private final Map<Integer, List<Batch>> byStage = new ConcurrentHashMap<>();
  private final Map<Integer, int[]> stagesByJob = new ConcurrentHashMap<>();

  TaskStarts(BatchSink sink) {
    this.sink = sink;
  }

  /**
   * Registers the batches of a job about to be submitted with {@link #WAVE} set to {@code wave}.
   */
  void expect(String wave, List<Batch> batches) {
    expected.put(wave, batches);
  }

  /** Forgets a job that Spark refused before it started. */
  void forget(String wave) {
    expected.remove(wave);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    Properties properties = jobStart.properties();
    String wave = properties == null ? null : properties.getProperty(WAVE);
    List<Batch> batches = wave == null ? null : expected.remove(wave);
    if (batches == null) {
      return; // another call's job, or the session's other work
    }
    int[] stages = new int[jobStart.stageIds().size()];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = (Integer) jobStart.stageIds().apply(i);
      byStage.put(stages[i], batches);
    }
    stagesByJob.put(jobStart.jobId(), stages);
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart taskStart) {
    List<Batch> batches = byStage.get(taskStart.stageId());
    if (batches == null) {
      return;
    }
    int partition = taskStart.taskInfo().partitionId();
    if (partition >= 0 && partition < batches.size()) {
      sink.started(batches.get(partition)); // once per attempt; the sink keeps the first
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    int[] stages = stagesByJob.remove(jobEnd.jobId());
    if (stages != null) {
      for (int stage : stages) {
        byStage.remove(stage);
      }
    }
  }
}
