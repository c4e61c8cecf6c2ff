package dev.joblib.beam.internal;

import dev.joblib.Task;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Under a timeout, the batches of a wave run on the workers as consecutive pieces, each timed on
 * its own by the worker's clock, so that a batch of many short tasks does not time out as a whole:
 * a wave's batches are cut for the runner's parallelism, not for the timeout. One instance per call
 * sizes the pieces: one task each at first, then, after each wave, as many tasks as the slowest
 * piece of that wave predicts to run in a tenth of the timeout, but at most four times the last
 * size. A single task longer than the timeout still fails the call. The caller sees one outcome per
 * batch, merged from its pieces.
 */
final class BatchPieces {
  /** The largest piece, as the core's largest batch. */
  private static final int MAX_SIZE = 1 << 16;

  /** How much a piece may grow from one wave to the next. */
  private static final int MAX_GROWTH = 4;

  /** A piece is sized to last at most this fraction of the timeout. */
  private static final int SHARE_OF_TIMEOUT = 10;

  private final long targetNanos;
  private volatile int size = 1;

  /** Pieces for a call with this timeout. */
  BatchPieces(Duration timeout) {
    this.targetNanos = Math.max(1, timeout.toNanos() / SHARE_OF_TIMEOUT);
  }

  /** The number of tasks per piece for the next wave. */
  int size() {
    return size;
  }

  /**
   * Learns from a finished wave: {@code slowestTaskNanos} is the highest average task time of its
   * pieces that succeeded.
   */
  void measured(long slowestTaskNanos) {
    long predicted = targetNanos / Math.max(1, slowestTaskNanos);
    // grow at most fourfold per wave: a later wave's tasks may be slower than the last one's
    long grown = Math.min(predicted, (long) size * MAX_GROWTH);
    size = (int) Math.max(1, Math.min(MAX_SIZE, grown));
  }

  /**
   * The batch as consecutive pieces of at most {@code size} tasks (the batch itself when it is not
   * larger); each piece keeps the batch's sequence, seed and nesting, and its tasks their indexes,
   * so they see the same {@code TaskContext} as in the whole batch.
   */
  static List<Batch> split(Batch batch, int size) {
    if (batch.size() <= size) {
      return List.of(batch);
    }
    List<Batch> pieces = new ArrayList<>();
    List<Task<?>> tasks = batch.callsFunction() == null ? batch.tasks() : null;
    for (int from = 0; from < batch.size(); from += size) {
      int to = Math.min(batch.size(), from + size);
      int first = batch.firstIndex() + from;
      if (tasks != null) {
        pieces.add(
            new Batch(
                batch.sequence(),
                first,
                tasks.subList(from, to),
                batch.seed(),
                batch.backendId(),
                batch.nesting()));
        continue;
      }
      Object[] arguments = new Object[to - from];
      for (int i = from; i < to; i++) {
        arguments[i - from] = batch.argument(i);
      }
      pieces.add(
          Batch.ofCalls(
              batch.sequence(),
              first,
              batch.callsFunction(),
              arguments,
              batch.seed(),
              batch.backendId(),
              batch.nesting()));
    }
    return pieces;
  }

  /**
   * The outcome of a batch from those of its pieces, in order: every result, or the failure of the
   * lowest failing task (a task's failure before a piece stopped by a sibling or a cancel).
   */
  static BatchOutcome merge(Batch batch, List<BatchOutcome> pieces) {
    if (pieces.size() == 1 && pieces.get(0).size() == batch.size()) {
      return pieces.get(0);
    }
    BatchOutcome failed = null;
    for (BatchOutcome piece : pieces) {
      if (!piece.succeeded() && (failed == null || before(piece, failed))) {
        failed = piece;
      }
    }
    if (failed != null) {
      return BatchOutcome.failure(batch, failed.failedIndex(), failed.failure());
    }
    Object[] results = new Object[batch.size()];
    int at = 0;
    long runNanos = 0;
    for (BatchOutcome piece : pieces) {
      for (Object result : piece.results()) {
        results[at++] = result;
      }
      runNanos += piece.runNanos();
    }
    return BatchOutcome.success(batch, results, runNanos);
  }

  private static boolean before(BatchOutcome a, BatchOutcome b) {
    boolean aStopped = a.failure() instanceof CancellationException;
    boolean bStopped = b.failure() instanceof CancellationException;
    if (aStopped != bStopped) {
      return bStopped;
    }
    return a.failedIndex() < b.failedIndex();
  }
}
