package dev.joblib.beam.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * One {@code Parallel} call on the beam backend: every submitted wave of batches becomes one
 * pipeline, run on a background thread; its outcomes reach the sink once the pipeline is done.
 */
public final class BeamCall implements BackendCall {
  private static final System.Logger LOG = System.getLogger(BeamCall.class.getName());
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final String backendId;
  private final PipelineOptions options;
  private final int parallelism;
  private final CallInfo info;
  private final BatchSink sink;
  private final ExecutorService executor;
  private final Consumer<BeamCall> onClose;
  private final BatchPieces pieces;
  private final AtomicInteger waves = new AtomicInteger();
  private final Set<PipelineWave> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;
  private volatile boolean backendClosed;

  /**
   * Creates a call.
   *
   * @param backendId the backend's id, for messages
   * @param options the options every pipeline of this call is built from (copied per pipeline)
   * @param parallelism the runner's parallelism, which bounds the number of result files
   * @param info the call's description
   * @param sink where outcomes go
   * @param executor runs the pipelines in the background
   * @param onClose told when the call is closed
   * @throws IllegalArgumentException if the options' {@code tempLocation} is a local path that
   *     cannot hold a staging directory (a regular file, a directory that cannot be written), or
   *     under a timeout the system property {@code joblib.beam.jobStartTimeout} is not a duration
   */
  public BeamCall(
      String backendId,
      PipelineOptions options,
      int parallelism,
      CallInfo info,
      BatchSink sink,
      ExecutorService executor,
      Consumer<BeamCall> onClose) {
    StagingDir.requireUsable(options, backendId);
    this.backendId = backendId;
    this.options = options;
    this.parallelism = parallelism;
    this.info = info;
    this.sink = sink;
    this.executor = executor;
    this.onClose = onClose;
    this.pieces = info.timeout().map(BatchPieces::new).orElse(null);
    if (pieces != null) {
      RunningPipeline.startAllowance(); // a bad property fails the call here, not a wave
    }
  }

  @Override
  public void submit(List<Batch> batches) {
    if (cancelled) {
      return;
    }
    String name = info.callId() + "-" + waves.getAndIncrement();
    long timeoutMillis = info.timeout().map(t -> Math.max(1, t.toMillis())).orElse(0L);
    PipelineWave wave =
        new PipelineWave(
            options, backendId, timeoutMillis, name, List.copyOf(batches), parallelism, pieces);
    running.add(wave);
    try {
      executor.execute(() -> runWave(wave));
    } catch (RejectedExecutionException closed) { // the backend was closed: say so per batch
      running.remove(wave);
      wave.failAll(closedFailure(wave, closed)).forEach(sink::accept);
    }
  }

  private void runWave(PipelineWave wave) {
    try {
      List<BatchOutcome> outcomes;
      try {
        outcomes = wave.run();
      } catch (RuntimeException | Error e) {
        if (cancelled) {
          return;
        }
        outcomes = wave.failAll(backendClosed ? closedFailure(wave, e) : pipelineFailure(wave, e));
      }
      for (BatchOutcome outcome : outcomes) {
        if (cancelled) {
          return;
        }
        sink.accept(outcome);
      }
    } finally {
      running.remove(wave);
      synchronized (running) {
        running.notifyAll();
      }
    }
  }

  private BackendFailedException pipelineFailure(PipelineWave wave, Throwable e) {
    if (e instanceof BackendFailedException failed) {
      return failed;
    }
    return new BackendFailedException(
        backendId,
        "backend '"
            + backendId
            + "': the Beam pipeline joblib-"
            + wave.name()
            + " on "
            + RunnerOptions.runnerName(options)
            + " failed: "
            + e,
        e);
  }

  private BackendFailedException closedFailure(PipelineWave wave, Throwable e) {
    return new BackendFailedException(
        backendId,
        "backend '"
            + backendId
            + "' was closed while its Beam pipeline joblib-"
            + wave.name()
            + " ran; the pipeline was cancelled",
        e);
  }

  /**
   * The backend is being closed under this call: its pipelines are cancelled and the call fails
   * with a {@link BackendFailedException} saying so (unless a pipeline ends first).
   */
  public void backendClosed() {
    backendClosed = true;
    for (PipelineWave wave : running) {
      wave.cancel();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    for (PipelineWave wave : running) {
      wave.cancel();
    }
  }

  /**
   * Waits (a bounded time) for cancelled pipelines to stop, so that their staged results are
   * deleted before the call returns.
   */
  @Override
  public void close() {
    try {
      awaitCancelled();
    } finally {
      onClose.accept(this);
    }
  }

  private void awaitCancelled() {
    if (running.isEmpty()) {
      return;
    }
    cancel();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
    synchronized (running) {
      while (!running.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.log(
              Level.WARNING,
              "{0} Beam pipeline(s) of call {1} still running after cancel; their staged results"
                  + " are deleted when they end",
              running.size(),
              info.callId());
          return;
        }
        try {
          running.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
