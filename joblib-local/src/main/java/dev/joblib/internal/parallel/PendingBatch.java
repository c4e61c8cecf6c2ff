package dev.joblib.internal.parallel;

import dev.joblib.spi.BatchSink;

/**
 * A dispatched batch not yet completed, for the timeout clock: {@code startNanos} is set when the
 * backend reports that the batch began to run on a worker ({@link BatchSink#started}).
 */
final class PendingBatch {
  final int firstIndex;
  final long dispatchNanos;
  volatile long startNanos;
  volatile boolean started;
  volatile boolean completed;

  PendingBatch(int firstIndex, long dispatchNanos) {
    this.firstIndex = firstIndex;
    this.dispatchNanos = dispatchNanos;
  }
}
