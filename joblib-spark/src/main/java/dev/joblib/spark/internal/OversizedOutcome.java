package dev.joblib.spark.internal;

import dev.joblib.spi.BatchOutcome;
import java.io.Serializable;

/**
 * What a partition sends back instead of an outcome larger than its share of {@code
 * spark.driver.maxResultSize}: the outcome of the leading tasks whose results fit (or none), and
 * the serialized size of each remaining task's result, by which the driver splits the remaining
 * tasks and runs them again.
 *
 * @param done the outcome of the batch's first tasks, or null when not even the first fits
 * @param remainingSizes the serialized size of the result of each task after those, in order
 */
record OversizedOutcome(BatchOutcome done, long[] remainingSizes) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How many tasks {@link #done} covers. */
  int doneTasks() {
    return done == null ? 0 : done.size();
  }
}
