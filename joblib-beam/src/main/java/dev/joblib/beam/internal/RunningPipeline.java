package dev.joblib.beam.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.PipelineResult;

/**
 * A pipeline that {@code run()} has started without waiting for it (the DirectRunner with {@code
 * blockOnRun=false}, the Flink runner detached): waited for with a bound, and cancelled.
 *
 * <p>The Flink runner's detached result polls the job's state every {@code jobCheckIntervalInSecs}
 * (5 s by default), reports a failed job as the state {@code FAILED} without its error, and, on the
 * embedded cluster ({@code [local]}), which shuts down with its job, cannot read the state of a job
 * that has ended. So a Flink job is waited for through its Flink {@code JobClient}'s job result
 * instead, which completes as the job ends and fails with the job's own error; other runners
 * through {@link PipelineResult#waitUntilFinish(org.joda.time.Duration)}.
 */
final class RunningPipeline {
  private static final System.Logger LOG = System.getLogger(RunningPipeline.class.getName());
  private static final String FLINK_DETACHED =
      "org.apache.beam.runners.flink.FlinkDetachedRunnerResult";

  /**
   * The system property that sets, under a timeout, how long a runner may take to start a
   * pipeline's job before the caller gives up on it (on top of what its batches may take), as an
   * ISO-8601 duration such as {@code PT10M}: a job that never gets to run is cancelled and fails
   * the call by timeout instead of holding it.
   */
  static final String START_ALLOWANCE_PROPERTY = "joblib.beam.jobStartTimeout";

  /** The default: generous, since a cluster may first have to start its workers. */
  private static final Duration START_ALLOWANCE = Duration.ofMinutes(10);

  private final PipelineResult result;
  private final CompletableFuture<?> flinkJob;

  RunningPipeline(PipelineResult result) {
    this.result = result;
    this.flinkJob = flinkJobResult(result);
  }

  /**
   * Waits for the pipeline to end, at most {@code bound} (null: without a bound).
   *
   * @return the final state, or null when the bound passed first
   * @throws RuntimeException the runner's error when the pipeline failed
   */
  PipelineResult.State await(Duration bound) {
    if (flinkJob != null) {
      return awaitFlinkJob(bound);
    }
    // a runner may return early without a final state (Dataflow after errors reading the job's
    // state): only the clock says the bound has passed
    if (bound == null) {
      while (true) {
        PipelineResult.State state = result.waitUntilFinish();
        if (state != null && state.isTerminal()) {
          return state;
        }
        pauseBeforeAskingAgain();
      }
    }
    long end = System.nanoTime() + bound.toNanos();
    for (long left = bound.toMillis(); left > 0; left = (end - System.nanoTime()) / 1_000_000) {
      PipelineResult.State state = result.waitUntilFinish(org.joda.time.Duration.millis(left));
      if (state != null && state.isTerminal()) {
        return state;
      }
      pauseBeforeAskingAgain();
    }
    return null;
  }

  private static void pauseBeforeAskingAgain() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Beam pipeline", e);
    }
  }

  private PipelineResult.State awaitFlinkJob(Duration bound) {
    try {
      if (bound == null) {
        flinkJob.get();
      } else {
        flinkJob.get(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
      }
      return PipelineResult.State.DONE;
    } catch (TimeoutException notYet) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the Flink job failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Flink job", e);
    }
  }

  /**
   * How long the caller waits for a pipeline of {@code elements} batches (or pieces) under a
   * timeout of {@code timeoutMillis} (0 for none) on a runner of this {@code parallelism} before it
   * cancels it: {@link #START_ALLOWANCE} for the runner to start the job, then, per round of
   * batches on the runner's parallelism, the most a batch may take on the worker's clock (the
   * timeout, then {@link RunBatchFn#ABANDON_AFTER_MILLIS} for a task that ignores the interrupt)
   * and a second more. Null without a timeout: the pipeline is waited for as long as it runs.
   */
  static Duration deadline(long timeoutMillis, int elements, int parallelism) {
    if (timeoutMillis == 0) {
      return null;
    }
    long rounds = (elements + (long) parallelism - 1) / Math.max(1, parallelism);
    long perRound = timeoutMillis + RunBatchFn.ABANDON_AFTER_MILLIS + 1_000;
    long most = Long.MAX_VALUE / 4; // years: no bound in practice, but no overflow either
    return startAllowance().plusMillis(rounds > most / perRound ? most : rounds * perRound);
  }

  /**
   * The {@link #START_ALLOWANCE_PROPERTY}, else {@link #START_ALLOWANCE}.
   *
   * @throws IllegalArgumentException if the property is not a duration of at least 0
   */
  static Duration startAllowance() {
    String value = System.getProperty(START_ALLOWANCE_PROPERTY);
    if (value == null) {
      return START_ALLOWANCE;
    }
    try {
      Duration allowance = Duration.parse(value.strip());
      if (!allowance.isNegative()) {
        return allowance;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "system property "
            + START_ALLOWANCE_PROPERTY
            + " must be an ISO-8601 duration of at least 0 such as PT10M, got '"
            + value
            + "'");
  }

  /** Asks the runner to cancel the pipeline; a pipeline that has ended already is left alone. */
  void cancel() {
    try {
      result.cancel();
    } catch (IOException | RuntimeException e) {
      // an ended pipeline has nothing to cancel (and the embedded Flink cluster is gone with it)
      LOG.log(Level.DEBUG, "cancelling a Beam pipeline: " + e, e);
    }
  }

  /**
   * The Flink job's result from the detached result's job client, or null when the result is not
   * one, or its field is not there in this Beam version.
   */
  private static CompletableFuture<?> flinkJobResult(PipelineResult result) {
    if (!result.getClass().getName().equals(FLINK_DETACHED)) {
      return null;
    }
    try {
      Field field = result.getClass().getDeclaredField("jobClient");
      field.setAccessible(true);
      Object client = field.get(result);
      Class<?> type =
          Class.forName(
              "org.apache.flink.core.execution.JobClient",
              false,
              result.getClass().getClassLoader());
      return (CompletableFuture<?>) type.getMethod("getJobExecutionResult").invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.DEBUG,
          "no job client in " + result.getClass().getName() + "; polling its state instead: " + e,
          e);
      return null;
    }
  }
}
