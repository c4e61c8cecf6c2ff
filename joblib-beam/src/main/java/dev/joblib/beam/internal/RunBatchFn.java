package dev.joblib.beam.internal;

import dev.joblib.TaskTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * The ParDo of a joblib pipeline: runs one serialized batch per element and never throws (task
 * failures are data). While a batch runs, a watcher polls the {@link StopSignals} and interrupts it
 * when a sibling failed at an earlier task or the caller cancelled, and a clock interrupts it when
 * it runs past the call's timeout (counted from its real start, not from the pipeline's).
 */
final class RunBatchFn extends DoFn<KV<Long, byte[]>, GenericRecord> {
  private static final long serialVersionUID = 1L;
  private static final long POLL_MILLIS = 200;
  private static final ScheduledExecutorService WATCHER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "joblib-beam-stop-watcher");
            thread.setDaemon(true);
            return thread;
          });

  private final String stagingPath;
  private final String backendId;
  private final long timeoutMillis;
  private final RecordSeal seal;
  private transient Schema schema;
  private transient StopSignals signals;

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
  }

  @ProcessElement
  public void process(@Element KV<Long, byte[]> element, OutputReceiver<GenericRecord> out) {
    KV<Long, byte[]> batch = InOrderTickets.next(stagingPath, element);
    long firstIndex = batch.getKey();
    if (signals.stops(firstIndex)) {
      out.output(seal.seal(OutcomeRecords.stopped(schema, firstIndex)));
      return;
    }
    Watch watch = new Watch(Thread.currentThread(), firstIndex);
    ScheduledFuture<?> polling =
        WATCHER.scheduleWithFixedDelay(watch, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> clock =
        timeoutMillis > 0
            ? WATCHER.schedule(watch::timeUp, timeoutMillis, TimeUnit.MILLISECONDS)
            : null;
    GenericRecord record;
    try {
      record = OutcomeRecords.runToRecord(schema, firstIndex, batch.getValue());
    } finally {
      polling.cancel(false);
      if (clock != null) {
        clock.cancel(false);
      }
      watch.end();
    }
    if (watch.timedOut) {
      // as Parallel does on other backends: the batch's first task is named
      record =
          OutcomeRecords.failure(
              schema,
              firstIndex,
              firstIndex,
              new TaskTimeoutException(
                  (int) firstIndex, backendId, Duration.ofMillis(timeoutMillis)));
      signals.failed(firstIndex);
    } else if (watch.interrupted) {
      record = OutcomeRecords.stopped(schema, firstIndex);
    } else if (record.get("failedIndex") != null) {
      signals.failed((Long) record.get("failedIndex"));
    }
    out.output(seal.seal(record));
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
      boolean stop;
      try {
        stop = signals.stops(firstIndex);
      } catch (RuntimeException e) {
        return; // an unreadable marker folder only costs fail-fast, the batch's result is kept
      }
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
