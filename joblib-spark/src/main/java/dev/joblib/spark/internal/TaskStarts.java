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
 * Tells the calls' sinks when each of their batches starts to run on an executor, from the driver's
 * listener bus: a job's batches are recognised by a local property set on the job, and a Spark task
 * by its stage and partition. One per backend and session; it refers to a call only while the call
 * has a job that has not ended, so a call dropped unclosed (and its {@code Parallel}) can be
 * collected. The call's timeout clock for a batch starts there, so a batch that waits for a free
 * core or for executors to register is not timed out.
 *
 * <p>The listener bus delivers events in order but late (milliseconds; seconds under a flood of
 * events or behind a slow listener on the same queue, and Spark drops events when its queue
 * overflows, logging that it did): a start reported late only gives the batch a little more time. A
 * start can even come after the batch's result, so {@link SparkCall} reports each batch started
 * again just before its outcome, and the sink keeps the first report.
 */
final class TaskStarts extends SparkListener {
  /** The local property that carries a job's wave id. */
  static final String WAVE = "joblib.wave";

  private final Map<String, Wave> expected = new ConcurrentHashMap<>();
  private final Map<Integer, Wave> byStage = new ConcurrentHashMap<>();
  private final Map<Integer, int[]> stagesByJob = new ConcurrentHashMap<>();

  /** A job's batches, one per partition, and the sink of their call. */
  private record Wave(BatchSink sink, List<Batch> batches) {}

  /**
   * Registers the batches of a job about to be submitted with {@link #WAVE} set to {@code wave}.
   */
  void expect(String wave, BatchSink sink, List<Batch> batches) {
    expected.put(wave, new Wave(sink, batches));
  }

  /** Forgets a job that Spark refused or that failed before it started (no-op once started). */
  void forget(String wave) {
    expected.remove(wave);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    Properties properties = jobStart.properties();
    String wave = properties == null ? null : properties.getProperty(WAVE);
    Wave batches = wave == null ? null : expected.remove(wave);
    if (batches == null) {
      return; // another backend's job, or the session's other work
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
    Wave wave = byStage.get(taskStart.stageId());
    if (wave == null) {
      return;
    }
    int partition = taskStart.taskInfo().partitionId();
    if (partition >= 0 && partition < wave.batches().size()) {
      wave.sink().started(wave.batches().get(partition)); // per attempt; the sink keeps the first
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
