package dev.joblib.internal.parallel;

import dev.joblib.spi.DispatchPolicy;
import java.time.Duration;

/**
 * joblib's {@code AutoBatchingMixin}: grows or shrinks the batch size so that a batch takes between
 * the policy's minimum and maximum duration, from a smoothed average of measured batch durations.
 *
 * <p>A stream grows as joblib does, at most doubling the size per measured batch, so that a
 * consumer that stops early has not made the call read far ahead. A call that keeps every result
 * ({@code run}, {@code map}: the whole input is read anyway) does not need that: there, where
 * joblib's doubling takes 17 steps from 1 to 65,536 tasks, each a round trip through the backend, a
 * fast batch grows at once to the size it predicts to last the minimum duration (or doubles, if
 * that is more), and a call of tiny tasks reaches its steady size within its first few batches. A
 * jump never predicts a batch longer than the minimum duration, so a wrong prediction (tasks that
 * get slower) costs no more than joblib's doubling toward twice that duration does.
 */
final class AutoBatcher {
  /**
   * The largest batch. A batch holds its tasks and results in memory, and a stream keeps a few
   * batches in flight and a few completed ones waiting for the consumer; without this cap, tasks of
   * about 100 ns grew batches to millions of tasks and a stream of 20 million held over 400 MiB
   * (LeakSoakTest). At 65,536 tasks a batch of the tiniest tasks still lasts milliseconds, far
   * longer than its dispatch.
   */
  static final int MAX_SIZE = 1 << 16;

  private final long minNanos;
  private final long maxNanos;
  private int size = 1;
  private double smoothedNanos;
  private boolean collecting;

  /** A batcher for the policy; with a timeout, batches are kept to a tenth of it at most. */
  AutoBatcher(DispatchPolicy policy, Duration timeout) {
    long min = policy.minBatchDuration().toNanos();
    long max = policy.maxBatchDuration().toNanos();
    if (timeout != null) {
      min = Math.min(min, timeout.toNanos() / 20);
      max = Math.min(max, timeout.toNanos() / 10);
    }
    this.minNanos = Math.max(min, 1);
    this.maxNanos = Math.max(max, this.minNanos);
  }

  int size() {
    return size;
  }

  /** The call keeps every result: fast batches may grow by more than doubling. */
  void collecting() {
    collecting = true;
  }

  /** Records a completed batch; only batches of the current size count. */
  void completed(int batchSize, long nanos) {
    if (batchSize != size) {
      return;
    }
    smoothedNanos = smoothedNanos == 0 ? nanos : 0.8 * smoothedNanos + 0.2 * nanos;
    long next = size;
    if (smoothedNanos > 0 && smoothedNanos < minNanos) {
      long predicted = (long) (size * minNanos / smoothedNanos); // lasts about minNanos
      long ideal = predicted * 2;
      long grown = collecting ? Math.max(2L * size, predicted) : 2L * size;
      next = Math.max(Math.min(grown, ideal), 1);
    } else if (smoothedNanos > maxNanos && size >= 2) {
      next = Math.max(2 * (long) (size * minNanos / smoothedNanos), 1);
    }
    if (next != size) {
      size = (int) Math.min(next, MAX_SIZE);
      smoothedNanos = 0;
    }
  }
}
