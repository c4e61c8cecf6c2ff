package dev.joblib.spark.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * there are free slots (all of them unless nJobs is below the cluster's cores), one partition per
 * batch. Every Spark interaction and every outcome is handled on the backend's event thread, so the
 * queue needs no lock and the caller's thread-local Spark properties are never touched.
 *
 * <p>Each job carries the caller's context: the Spark local properties of the thread that started
 * the call (job group, job tags, description, scheduler pool and any other), copied when the call
 * starts and set whole on the event thread before each job, so nothing of an earlier caller rides
 * along. To them the call adds its own job tag, which {@link #cancel()} cancels, and interruption
 * on cancel, which timeouts and cancellation need. A caller's {@code cancelJobGroup}, {@code
 * cancelJobsWithTag} or {@code cancelAllJobs} therefore reaches the call's jobs and fails the call.
 */
final class SparkCall implements BackendCall {
  /** Local properties of the caller's own operation, never given to the call's jobs. */
  private static final List<String> NOT_INHERITED =
      List.of(
          "spark.sql.execution.id",
          "spark.sql.execution.root.id",
          "spark.sql.execution.query.id",
          "spark.rdd.scope",
          "spark.rdd.scope.noOverride");

  private static final Pattern GAVE_UP =
      Pattern.compile("Task (\\d+) in stage \\S+ failed \\d+ times");

  private final SparkContext sc;
  private final JavaSparkContext jsc;
  private final String tag;
  private final String description;
  private final Properties callerProperties;
  private final BatchSink sink;
  private final int slots;
  private final Executor events;
  private final ExecutionContext eventContext;
  private final ClassLoader driverLoader;
  private final ArrayDeque<Batch> queued = new ArrayDeque<>();
  private final SharedValues sharedArrays;
  private final TaskStarts taskStarts;
  private final ResourceProfile profile;
  private int running;
  private int waves;
  private volatile boolean cancelled;

  SparkCall(
      SparkContext sc,
      CallInfo info,
      BatchSink sink,
      int slots,
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
    this.callerProperties = callerContext(sc.getLocalProperties());
    this.sink = sink;
    this.slots = slots;
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
  }

  @Override
  public void submit(List<Batch> batches) {
    List<Batch> copy = List.copyOf(batches);
    events.execute(
        () -> {
          queued.addAll(copy);
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

  /** A copy of a thread's local properties (what Spark itself gives a child thread). */
  private static Properties copy(Properties properties) {
    Properties copy = new Properties();
    if (properties != null) {
      for (String name : properties.stringPropertyNames()) {
        copy.setProperty(name, properties.getProperty(name));
      }
    }
    return copy;
  }

  /**
   * The caller's context without what belongs to the caller's own operation: the SQL execution it
   * may be inside (Spark would track our jobs under it until it ends, or forever once it has) and
   * its RDD scope (our jobs' stages would be filed under the caller's operation).
   */
  private static Properties callerContext(Properties properties) {
    Properties context = copy(properties);
    NOT_INHERITED.forEach(context::remove);
    return context;
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

  /** On the event thread: starts a job with as many queued batches as there are free slots. */
  private void launch() {
    while (!cancelled && !queued.isEmpty() && running < slots) {
      int take = Math.min(queued.size(), slots - running);
      List<Batch> batches = new ArrayList<>(take);
      List<byte[]> data = new ArrayList<>(take);
      for (int i = 0; i < take; i++) {
        Batch batch = queued.poll();
        byte[] bytes = serialize(batch);
        if (bytes != null) {
          batches.add(batch);
          data.add(bytes);
        }
      }
      if (!batches.isEmpty()) {
        try {
          startJob(batches, data);
        } catch (RuntimeException e) { // such as a context stopped under the call
          running -= batches.size();
          for (Batch batch : batches) {
            sink.accept(
                BatchOutcome.failure(
                    batch,
                    batch.firstIndex(),
                    new BackendFailedException(
                        "spark",
                        "backend 'spark': Spark refused the job for "
                            + batch
                            + " (job tag "
                            + tag
                            + "): "
                            + e,
                        e)));
          }
        }
      }
    }
  }

  /** Starts the job; counts its batches as running (the caller uncounts them if this throws). */
  private void startJob(List<Batch> batches, List<byte[]> data) {
    running += batches.size();
    List<Object> partitions = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      partitions.add(i);
    }
    sc.setLocalProperties(copy(callerProperties)); // the whole context: nothing of another caller
    sc.addJobTag(tag);
    sc.setInterruptOnCancel(true);
    if (sc.getLocalProperty("spark.job.description") == null) {
      sc.setJobDescription(description);
    }
    String wave = tag + "#" + waves++;
    sc.setLocalProperty(TaskStarts.WAVE, wave);
    taskStarts.expect(wave, sink, batches);
    RDD<byte[]> rdd = jsc.parallelize(data, data.size()).rdd();
    if (profile != null) { // stage-level scheduling: the tasks' own CPUs and GPUs
      rdd = rdd.withResources(profile);
    }
    try {
      submit(rdd, batches, partitions);
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

  private void submit(RDD<byte[]> rdd, List<Batch> batches, List<Object> partitions) {
    boolean[] delivered = new boolean[batches.size()];
    Function0<BoxedUnit> noResult = () -> BoxedUnit.UNIT;
    sc.<byte[], byte[], BoxedUnit>submitJob(
            rdd,
            new RunBatch(),
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
                failed(batches, delivered, result.failed().get());
              }
              return BoxedUnit.UNIT;
            },
            eventContext);
  }

  /** On the event thread: one partition's outcome arrived. */
  private void finished(Batch batch, boolean[] delivered, int partition, byte[] bytes) {
    delivered[partition] = true;
    running--;
    if (cancelled) {
      return;
    }
    sink.accept(decode(batch, bytes));
    launch();
  }

  /**
   * On the event thread: the job failed; every batch without an outcome fails with it. When Spark
   * gave up on one Spark task (its attempts failed {@code spark.task.maxFailures} times: a batch
   * that cannot be read, executors lost while running it), that task's batch fails first, so the
   * call reports its tasks and not those of whatever batch was still running.
   */
  private void failed(List<Batch> batches, boolean[] delivered, Throwable error) {
    int gaveUpOn = gaveUpOn(error, batches.size());
    if (gaveUpOn >= 0 && !delivered[gaveUpOn]) {
      Batch batch = batches.get(gaveUpOn);
      delivered[gaveUpOn] = true;
      running--;
      if (!cancelled) {
        sink.accept(
            BatchOutcome.failure(
                batch,
                batch.firstIndex(),
                new JoblibException(
                    "Spark gave up on the Spark task running "
                        + batch
                        + " (partition "
                        + gaveUpOn
                        + " of the job with tag "
                        + tag
                        + "): no attempt ended with a result or an exception from the tasks' code"
                        + " (such as a batch the executors cannot read, or an executor lost on every"
                        + " attempt; Spark counts a lost executor against every task it was"
                        + " running): "
                        + error.getMessage(),
                    error)));
      }
    }
    // with no Spark task to blame, the job itself failed (a stopped context, a stage Spark could
    // not schedule): the backend failed, not the tasks of the batches still out
    Throwable reason =
        gaveUpOn >= 0
            ? error
            : new BackendFailedException(
                "spark",
                "backend 'spark': the Spark job with tag "
                    + tag
                    + " failed with no task to blame: "
                    + error,
                error);
    for (int i = 0; i < batches.size(); i++) {
      if (!delivered[i]) {
        delivered[i] = true;
        running--;
        if (!cancelled) {
          sink.accept(BatchOutcome.failure(batches.get(i), batches.get(i).firstIndex(), reason));
        }
      }
    }
    launch();
  }

  /**
   * The partition Spark's job-abort message names ("Task 3 in stage 0.0 failed 4 times"), or -1.
   * The Spark task index is the partition's position in the job, since each job is a single result
   * stage over all its partitions.
   */
  private static int gaveUpOn(Throwable error, int partitions) {
    Matcher m = GAVE_UP.matcher(String.valueOf(error.getMessage()));
    if (!m.find()) {
      return -1;
    }
    try {
      int partition = Integer.parseInt(m.group(1));
      return partition < partitions ? partition : -1;
    } catch (NumberFormatException tooLarge) {
      return -1;
    }
  }

  private BatchOutcome decode(Batch batch, byte[] bytes) {
    try {
      return (BatchOutcome) Wire.read(bytes, driverLoader);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return BatchOutcome.failure(
          batch,
          batch.firstIndex(),
          new IllegalStateException(
              "the outcome of " + batch + " could not be read on the driver: " + e, e));
    }
  }

  /** The batch's bytes, or null after reporting which task does not serialize. */
  private byte[] serialize(Batch batch) {
    try {
      return sharedArrays.write(batch);
    } catch (IOException | RuntimeException e) {
      List<?> tasks = batch.tasks();
      for (int i = 0; i < tasks.size(); i++) {
        int index = batch.firstIndex() + i;
        try {
          SerializationCheck.requireSerializable(tasks.get(i), "task " + index);
        } catch (IllegalArgumentException refused) {
          sink.accept(BatchOutcome.failure(batch, index, refused));
          return null;
        }
      }
      sink.accept(
          BatchOutcome.failure(
              batch,
              batch.firstIndex(),
              new IllegalArgumentException(batch + " cannot be sent to Spark: " + e, e)));
      return null;
    }
  }
}
