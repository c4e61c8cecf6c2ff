package dev.joblib.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@code Parallel} groups tasks into batches and feeds them to a backend.
 *
 * <p>With {@link #autoBatching()} the batch size starts at 1 and is tuned, as joblib does, so that
 * a batch takes between {@link #minBatchDuration()} and {@link #maxBatchDuration()} (doubling at
 * most per step). With {@link #waves()} the tasks taken from the input per pre-dispatch window are
 * split evenly into batches and submitted together, and the next window starts when the whole wave
 * is done: the shape a backend wants when each submission is a job or a pipeline. An input of known
 * size is then read as one wave unless the user sets {@code preDispatch} or a timeout.
 *
 * @param autoBatching whether {@code batchSize} "auto" tunes the size (otherwise it is 1)
 * @param minBatchDuration batches faster than this grow
 * @param maxBatchDuration batches slower than this shrink
 * @param waves whether batches are submitted in waves rather than one by one
 * @param defaultPreDispatch joblib's {@code pre_dispatch} expression when the user sets none, such
 *     as {@code "2*n_jobs"} or {@code "all"}
 * @since 0.1
 */
public record DispatchPolicy(
    boolean autoBatching,
    Duration minBatchDuration,
    Duration maxBatchDuration,
    boolean waves,
    String defaultPreDispatch) {

  /**
   * Validates the policy.
   *
   * @param autoBatching whether {@code batchSize} "auto" tunes the size
   * @param minBatchDuration batches faster than this grow
   * @param maxBatchDuration batches slower than this shrink
   * @param waves whether batches are submitted in waves
   * @param defaultPreDispatch the {@code pre_dispatch} expression when the user sets none
   * @throws IllegalArgumentException if the durations are not positive and ordered
   */
  public DispatchPolicy {
    Objects.requireNonNull(minBatchDuration, "minBatchDuration");
    Objects.requireNonNull(maxBatchDuration, "maxBatchDuration");
    Objects.requireNonNull(defaultPreDispatch, "defaultPreDispatch");
    if (minBatchDuration.isNegative()
        || minBatchDuration.isZero()
        || maxBatchDuration.compareTo(minBatchDuration) < 0) {
      throw new IllegalArgumentException(
          "batch durations must satisfy 0 < min <= max, got min="
              + minBatchDuration
              + " max="
              + maxBatchDuration);
    }
  }

  /**
   * joblib's policy: auto batching toward 0.2 to 2 seconds per batch, one batch submitted per
   * completed one, {@code pre_dispatch = "2*n_jobs"}.
   *
   * @return the default policy
   */
  public static DispatchPolicy incremental() {
    return new DispatchPolicy(
        true, Duration.ofMillis(200), Duration.ofSeconds(2), false, "2*n_jobs");
  }

  /**
   * One task per batch, submitted one by one: for backends where batching gains nothing.
   *
   * @return a policy without batching
   */
  public static DispatchPolicy oneByOne() {
    return new DispatchPolicy(
        false, Duration.ofMillis(200), Duration.ofSeconds(2), false, "2*n_jobs");
  }

  /**
   * Returns a copy that submits whole waves of batches.
   *
   * @param preDispatch the default window of tasks per wave, such as {@code "all"}
   * @return the changed policy
   */
  public DispatchPolicy inWaves(String preDispatch) {
    return new DispatchPolicy(autoBatching, minBatchDuration, maxBatchDuration, true, preDispatch);
  }

  /**
   * Returns a copy with other target batch durations.
   *
   * @param min batches faster than this grow
   * @param max batches slower than this shrink
   * @return the changed policy
   */
  public DispatchPolicy withBatchDurations(Duration min, Duration max) {
    return new DispatchPolicy(autoBatching, min, max, waves, defaultPreDispatch);
  }
}
