package dev.joblib.spark.internal;

import dev.joblib.spark.internal.SplitBatch.Part;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ResourceProfile;
import scala.Function0;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * One Parallel call on Spark. Submitted batches queue up; a job is started with as many of them as
 * there are free slots (all of them unless nJobs is below the cluster's cores) and as {@code
 * spark.driver.maxResultSize} allows (see {@link JobCutter}: a batch may run as several parts whose
 * outcomes are merged back, see {@link SplitBatch}), one partition per part. Every Spark
 * interaction and every outcome is handled on the backend's event thread, so the queue needs no
 * lock and the caller's thread-local Spark properties are never touched.
 *
 * <p>Should Spark still refuse a job's results as too large (an estimate was wrong), the job's
 * parts without an outcome are queued again at the front, each to run in a job of its own, with the
 * estimate doubled; a part that ran alone and was refused is halved, and a task alone fails.
 *
 * <p>Each job carries the caller's context: the Spark local properties of the thread that started
 * the call (job group, job tags, description, scheduler pool and any other), copied when the call
 * starts and set whole on the event thread before each job, so nothing of an earlier caller rides
 * along. To them the call adds its own job tag, which {@link #cancel()} cancels, and interruption
 * on cancel, which timeouts and cancellation need. A caller's {@code cancelJobGroup}, {@code
 * cancelJobsWithTag} or {@code cancelAllJobs} therefore reaches the call's jobs and fails the call.
 */
final class SparkCall implements BackendCall {
  private final SparkContext sc;
  private final JavaSparkContext jsc;
  private final String tag;
  private final String description;
  private final Properties callerProperties;
  private final BatchSink sink;
  private final int slots;
  private final int probes;
  private final Executor events;
  private final ExecutionContext eventContext;
  private final ClassLoader driverLoader;
  private final ArrayDeque<Part> queued = new ArrayDeque<>();
  private final ResultLimit limit;
  private final JobCutter cutter;
  private final SharedValues sharedArrays;
  private final TaskStarts taskStarts;
  private final ResourceProfile profile;
  private int running;
  private int waves;
  private volatile boolean cancelled;

  /** A batch's failure went out: the call ends, so no further job is started. */
  private boolean failing;

  SparkCall(
      SparkContext sc,
      CallInfo info,
      BatchSink sink,
      int slots,
      int probes,
      Executor events,
      TaskStarts taskStarts,
      ClassLoader driverLoader,
      ResourceProfile profile) {
    this.sc = sc;
    this.jsc = JavaSparkContext.fromSparkContext(sc);
    this.tag = "joblib-call-" + info.callId();
    this.description =
        "joblib Parallel call"
            + (info.totalTasks().isPresent()
                ? " of " + info.totalTasks().getAsLong() + " tasks"
                : "");
    // on the caller's thread: its context (getLocalProperties is private[spark] in Scala, but the
    // de facto way to carry a thread's context: PySpark's InheritableThread and SQLExecution do)
    this.callerProperties = CallerContext.of(sc.getLocalProperties());
    this.sink = sink;
    this.slots = slots;
    this.probes = probes;
    this.events =
        task -> {
          try {
            events.execute(task);
          } catch (RejectedExecutionException closed) {
            // the backend is closed, so this call has ended and was cancelled if it had work left:
            // what arrives now (a job's completion notice) has no one to go to
          }
        };
    this.eventContext = ExecutionContext.fromExecutor(this.events);
    this.driverLoader = driverLoader;
    this.sharedArrays = new SharedValues(jsc::broadcast);
    this.taskStarts = taskStarts;
    this.profile = profile;
    this.limit = new ResultLimit(sc.conf().getSizeAsBytes(ResultLimit.SETTING, "1g"));
    this.cutter = new JobCutter(limit);
  }

  @Override
  public void submit(List<Batch> batches) {
    List<Batch> copy = List.copyOf(batches);
    events.execute(
        () -> {
          copy.forEach(batch -> queued.add(SplitBatch.of(batch)));
          launch();
        });
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      cancelJobs();
    }
  }

  private void cancelJobs() {
    if (!sc.isStopped()) { // a stopped context has no job left to cancel, and refuses the call
      sc.cancelJobsWithTag(tag, "the joblib Parallel call was cancelled");
    }
  }

  @Override
  public void close() {
    events.execute(
        () -> {
          if (running > 0 || !queued.isEmpty()) {
            cancel();
          }
          queued.clear();
          sharedArrays.destroy();
        });
  }

  /** On the event thread: starts jobs with the queued parts while there are free slots. */
  private void launch() {
    // until an outcome tells how large results are, one part per job and no more parts than the
    // cluster runs at once: a wave of many batches would otherwise start a job for each
    while (!cancelled && !failing && running < (probing() ? probes : slots)) {
      List<Part> job = cutter.nextJob(queued, slots - running);
      if (job.isEmpty()) {
        return;
      }
      long[] shares = cutter.shares(job);
      List<Part> parts = new ArrayList<>(job.size());
      List<byte[]> data = new ArrayList<>(job.size());
      for (int i = 0; i < job.size(); i++) {
        byte[] bytes = serialize(job.get(i), shares[i]);
        if (bytes != null) {
          parts.add(job.get(i));
          data.add(bytes);
        }
      }
      if (!parts.isEmpty()) {
        try {
          startJob(parts, data);
        } catch (RuntimeException e) { // such as a context stopped under the call
          running -= parts.size();
          for (Part part : parts) {
            report(
                part,
                BatchOutcome.failure(
                    part.batch(),
                    part.batch().firstIndex(),
                    JobFailures.refused(part.batch(), tag, e)));
          }
        }
      }
    }
  }

  /** Whether no outcome has yet told how large results are (and results are limited). */
  private boolean probing() {
    return !limit.unlimited() && cutter.bytesPerTask() < 0;
  }

  /** Hands a part's outcome to its batch; the batch's outcome goes to the sink once it is whole. */
  private void report(Part part, BatchOutcome outcome) {
    BatchOutcome merged = part.whole().merge(outcome);
    if (merged != null) {
      failing |= !merged.succeeded();
      if (!cancelled) {
        // the listener bus reports starts behind results (by seconds under a slow listener):
        // report the start here too, so it always precedes the outcome; the sink keeps the first
        sink.started(part.whole().original());
        sink.accept(merged);
      }
    }
  }

  /** Starts the job; counts its parts as running (the caller uncounts them if this throws). */
  private void startJob(List<Part> batches, List<byte[]> data) {
    running += batches.size();
    List<Object> partitions = new ArrayList<>(batches.size());
    List<Batch> originals = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      originals.add(batches.get(i).whole().original()); // a part's start starts its batch's clock
      partitions.add(i);
    }
    sc.setLocalProperties(
        CallerContext.copy(callerProperties)); // the whole context: nothing of another caller
    sc.addJobTag(tag);
    sc.setInterruptOnCancel(true);
    if (sc.getLocalProperty("spark.job.description") == null) {
      sc.setJobDescription(description);
    }
    String wave = tag + "#" + waves++;
    sc.setLocalProperty(TaskStarts.WAVE, wave);
    taskStarts.expect(wave, sink, originals);
    RDD<byte[]> rdd = jsc.parallelize(data, data.size()).rdd();
    if (profile != null) { // stage-level scheduling: the tasks' own CPUs and GPUs
      rdd = rdd.withResources(profile);
    }
    try {
      submit(rdd, batches, partitions, wave);
    } catch (RuntimeException e) {
      taskStarts.forget(wave);
      throw e;
    } finally {
      // the event thread keeps nothing of this caller (threads it creates would inherit it)
      sc.setLocalProperties(new Properties());
    }
    if (cancelled) {
      // cancel() ran while the job was being submitted: its cancel may have come before the job
      cancelJobs();
    }
  }

  private void submit(RDD<byte[]> rdd, List<Part> batches, List<Object> partitions, String wave) {
    boolean[] delivered = new boolean[batches.size()];
    Function0<BoxedUnit> noResult = () -> BoxedUnit.UNIT;
    sc.<byte[], byte[], BoxedUnit>submitJob(
            rdd,
            new RunBatch(limit),
            CollectionConverters.asScala(partitions).toList(),
            (partition, bytes) -> {
              int p = (Integer) partition;
              events.execute(() -> finished(batches.get(p), delivered, p, bytes));
              return BoxedUnit.UNIT;
            },
            noResult)
        .onComplete(
            result -> {
              if (result.isFailure()) {
                taskStarts.forget(wave); // a job that fails before it starts leaves its entry
                failed(batches, delivered, result.failed().get());
              }
              return BoxedUnit.UNIT;
            },
            eventContext);
  }

  /** On the event thread: one partition's outcome arrived. */
  private void finished(Part part, boolean[] delivered, int partition, byte[] bytes) {
    if (delivered[partition]) {
      return; // the job's failure came first (Spark delivers results before it, but be sure)
    }
    delivered[partition] = true;
    running--;
    if (cancelled) {
      return;
    }
    Object outcome = decode(part.batch(), bytes);
    if (outcome instanceof OversizedOutcome oversized) {
      long[] sizes = oversized.remainingSizes();
      cutter.observe(sizes.length, Arrays.stream(sizes).sum());
      if (oversized.done() != null) {
        report(part, oversized.done());
      }
      requeue(SplitBatch.splitBySizes(part, oversized.doneTasks(), sizes, cutter.partBudget()));
    } else {
      BatchOutcome done = (BatchOutcome) outcome;
      if (done.succeeded()) {
        cutter.observe(part.size(), bytes.length);
      }
      report(part, done);
    }
    launch();
  }

  /** Queues parts again at the front, in order. */
  private void requeue(List<Part> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      queued.addFirst(parts.get(i));
    }
  }

  /**
   * On the event thread: Spark refused the job's results as too large (an estimate was wrong). Each
   * part without an outcome is queued again to run alone, with the estimate doubled; a part that
   * already ran alone is halved, and a single task that ran alone fails.
   */
  private void tooLarge(List<Part> parts, boolean[] delivered, Throwable error) {
    List<Part> again = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      if (delivered[i]) {
        continue;
      }
      delivered[i] = true;
      running--;
      Part part = parts.get(i);
      if (parts.size() > 1) {
        again.add(part.asAlone());
      } else if (part.size() > 1) {
        again.addAll(SplitBatch.halves(part));
      } else {
        int index = part.batch().firstIndex();
        report(
            part,
            BatchOutcome.failure(
                part.batch(),
                index,
                new IllegalStateException(limit.refused(index, error.getMessage()), error)));
      }
    }
    cutter.doubleEstimate();
    requeue(again);
  }

  /**
   * On the event thread: the job failed; every batch without an outcome fails with it. When Spark
   * gave up on one Spark task (its attempts failed {@code spark.task.maxFailures} times: a batch
   * that cannot be read, executors lost while running it), that task's batch fails first, so the
   * call reports its tasks and not those of whatever batch was still running.
   */
  private void failed(List<Part> batches, boolean[] delivered, Throwable error) {
    if (JobFailures.resultsTooLarge(error)) {
      tooLarge(batches, delivered, error);
      launch();
      return;
    }
    int gaveUpOn = JobFailures.gaveUpOn(error, batches.size());
    if (gaveUpOn >= 0 && !delivered[gaveUpOn]) {
      Part part = batches.get(gaveUpOn);
      Batch batch = part.batch();
      delivered[gaveUpOn] = true;
      running--;
      report(
          part,
          BatchOutcome.failure(
              batch, batch.firstIndex(), JobFailures.gaveUp(batch, gaveUpOn, tag, error)));
    }
    // with no Spark task to blame, the job itself failed (a stopped context, a stage Spark could
    // not schedule): the backend failed, not the tasks of the batches still out
    Throwable reason = gaveUpOn >= 0 ? error : JobFailures.noTaskToBlame(tag, error);
    for (int i = 0; i < batches.size(); i++) {
      if (!delivered[i]) {
        delivered[i] = true;
        running--;
        Batch batch = batches.get(i).batch();
        report(batches.get(i), BatchOutcome.failure(batch, batch.firstIndex(), reason));
      }
    }
    launch();
  }

  /** The outcome, or the {@link OversizedOutcome} sent instead of it. */
  private Object decode(Batch batch, byte[] bytes) {
    try {
      return Wire.readUntrusted(bytes, driverLoader);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return BatchOutcome.failure(
          batch,
          batch.firstIndex(),
          new IllegalStateException(
              "the outcome of " + batch + " could not be read on the driver: " + e, e));
    }
  }

  /**
   * The part's bytes (after its share of the result limit), or null after reporting which task does
   * not serialize.
   */
  private byte[] serialize(Part part, long share) {
    Batch batch = part.batch();
    try {
      return sharedArrays.write(share, batch);
    } catch (IOException | RuntimeException e) {
      List<?> tasks = batch.tasks();
      for (int i = 0; i < tasks.size(); i++) {
        int index = batch.firstIndex() + i;
        try {
          SerializationCheck.requireSerializable(tasks.get(i), "task " + index);
        } catch (IllegalArgumentException refused) {
          report(part, BatchOutcome.failure(batch, index, refused));
          return null;
        }
      }
      report(
          part,
          BatchOutcome.failure(
              batch,
              batch.firstIndex(),
              new IllegalArgumentException(batch + " cannot be sent to Spark: " + e, e)));
      return null;
    }
  }
}
