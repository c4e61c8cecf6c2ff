package dev.joblib.beam.internal;

import dev.joblib.TaskTimeoutException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * The ParDo of a joblib pipeline: runs one serialized batch per element and never throws (task
 * failures are data). A batch runs on a task thread of the instance; while it runs, a watcher polls
 * the {@link StopSignals} and interrupts it when a sibling failed at an earlier task or the caller
 * cancelled, and a clock interrupts it when it runs past the call's timeout (counted from its real
 * start, not from the pipeline's). A batch whose task ignores that interrupt ends {@link
 * #ABANDON_AFTER_MILLIS} later with a timeout all the same; its thread is left to finish, as a
 * thread pool would leave it.
 */
final class RunBatchFn extends DoFn<KV<Long, byte[]>, GenericRecord> {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(RunBatchFn.class.getName());
  private static final long POLL_MILLIS = StopSignals.FRESH_MILLIS;

  /**
   * How long past its timeout a batch's task may take to answer the interrupt before the batch ends
   * without it.
   */
  static final long ABANDON_AFTER_MILLIS = 2_000;

  /** Attempts to write a failure marker before giving up on fail-fast for it. */
  private static final int MARKER_ATTEMPTS = 3;

  private final String stagingPath;
  private final String backendId;
  private final long timeoutMillis;
  private final RecordSeal seal;
  private transient Schema schema;
  private transient StopSignals signals;
  private transient ScheduledExecutorService watcher;
  private transient ExecutorService tasks;

  /**
   * @param timeoutMillis the per-batch timeout from the moment a batch starts, 0 for none
   * @param seal what authenticates the records this function writes
   */
  RunBatchFn(String stagingPath, String backendId, long timeoutMillis, RecordSeal seal) {
    this.stagingPath = stagingPath;
    this.backendId = backendId;
    this.timeoutMillis = timeoutMillis;
    this.seal = seal;
  }

  @Setup
  public void setup() {
    schema = OutcomeRecords.schema();
    signals = new StopSignals(stagingPath);
    watcher = Executors.newSingleThreadScheduledExecutor(daemons("joblib-beam-stop-watcher"));
    tasks = Executors.newCachedThreadPool(daemons("joblib-beam-task"));
  }

  private static ThreadFactory daemons(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Stops this instance's threads: a runner that discards the function leaks none (but a task that
   * ignores interrupts).
   */
  @Teardown
  public void teardown() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
    if (tasks != null) {
      tasks.shutdownNow();
    }
  }

  @ProcessElement
  public void process(@Element KV<Long, byte[]> element, OutputReceiver<GenericRecord> out) {
    KV<Long, byte[]> batch = InOrderTickets.next(stagingPath, element);
    long firstIndex = batch.getKey();
    if (stops(firstIndex)) {
      out.output(seal.seal(OutcomeRecords.stopped(schema, firstIndex)));
      return;
    }
    byte[] bytes = batch.getValue();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Future<GenericRecord> running = tasks.submit(() -> runWatched(firstIndex, bytes, loader));
    GenericRecord record;
    try {
      record =
          timeoutMillis > 0
              ? running.get(timeoutMillis + ABANDON_AFTER_MILLIS, TimeUnit.MILLISECONDS)
              : running.get();
    } catch (TimeoutException ignoresInterrupts) {
      // the clock interrupted the task, which goes on: the batch ends here, its thread is left to
      // finish (as a thread pool would), and the call fails by timeout
      record = timedOut(firstIndex);
    } catch (InterruptedException e) { // the runner cancels the bundle
      running.cancel(true);
      Thread.currentThread().interrupt();
      record = OutcomeRecords.stopped(schema, firstIndex);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the batch at task " + firstIndex + " broke", e.getCause());
    }
    out.output(seal.seal(record));
  }

  /**
   * On a task thread: runs the batch while the watcher interrupts it once a stop marker concerns it
   * or its timeout passes (counted from this start).
   */
  private GenericRecord runWatched(long firstIndex, byte[] bytes, ClassLoader loader) {
    Thread.currentThread().setContextClassLoader(loader);
    Watch watch = new Watch(Thread.currentThread(), firstIndex);
    ScheduledFuture<?> polling =
        watcher.scheduleWithFixedDelay(watch, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> clock =
        timeoutMillis > 0
            ? watcher.schedule(watch::timeUp, timeoutMillis, TimeUnit.MILLISECONDS)
            : null;
    GenericRecord record;
    try {
      record = OutcomeRecords.runToRecord(schema, firstIndex, bytes);
    } finally {
      polling.cancel(false);
      if (clock != null) {
        clock.cancel(false);
      }
      watch.end();
    }
    if (watch.timedOut) {
      return timedOut(firstIndex);
    }
    if (watch.interrupted) {
      return OutcomeRecords.stopped(schema, firstIndex);
    }
    if (record.get("failedIndex") != null) {
      markFailed((Long) record.get("failedIndex"));
    }
    return record;
  }

  /** The record of a batch past its timeout; as other backends do, it names its first task. */
  private GenericRecord timedOut(long firstIndex) {
    markFailed(firstIndex);
    return OutcomeRecords.failure(
        schema,
        firstIndex,
        firstIndex,
        new TaskTimeoutException((int) firstIndex, backendId, Duration.ofMillis(timeoutMillis)));
  }

  /**
   * Whether a marker stops the batch at {@code firstIndex}; false when the markers cannot be read
   * (logged): an unreadable marker folder costs fail-fast only, never the bundle, which the runner
   * would run again.
   */
  private boolean stops(long firstIndex) {
    try {
      return signals.stops(firstIndex);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot read the stop markers of " + stagingPath + ": " + e, e);
      return false;
    }
  }

  /**
   * Writes the failure marker of task {@code index}, trying again a little later on an I/O error (a
   * transient HDFS or S3 failure); then logs and gives up: the failure itself is in the record,
   * only stopping the later batches early is lost.
   */
  private void markFailed(long index) {
    for (int attempt = 1; ; attempt++) {
      try {
        signals.failed(index);
        return;
      } catch (RuntimeException e) {
        if (attempt == MARKER_ATTEMPTS) {
          LOG.log(
              Level.WARNING,
              "cannot write the failure marker of task " + index + " in " + stagingPath + ": " + e,
              e);
          return;
        }
      }
      try {
        Thread.sleep(100L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Interrupts the batch's thread once a stop marker concerns it. */
  private final class Watch implements Runnable {
    private final Thread thread;
    private final long firstIndex;
    private boolean ended;
    private volatile boolean interrupted;
    private volatile boolean timedOut;

    Watch(Thread thread, long firstIndex) {
      this.thread = thread;
      this.firstIndex = firstIndex;
    }

    @Override
    public void run() {
      boolean stop = stops(firstIndex);
      synchronized (this) {
        if (stop && !ended && !interrupted) {
          interrupted = true;
          thread.interrupt();
        }
      }
    }

    /** The batch ran past the timeout: interrupt it. */
    synchronized void timeUp() {
      if (!ended && !interrupted) {
        timedOut = true;
        interrupted = true;
        thread.interrupt();
      }
    }

    /** Stops watching; clears this watch's interrupt so the runner's thread is not affected. */
    synchronized void end() {
      ended = true;
      if (interrupted) {
        Thread.interrupted();
      }
    }
  }
}
