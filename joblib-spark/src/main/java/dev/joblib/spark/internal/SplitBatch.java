package dev.joblib.spark.internal;

import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A submitted batch that runs on Spark as one or more parts (consecutive tasks of it, each a Spark
 * partition), and the merge of the parts' outcomes into the one outcome its call expects: results
 * in task order and run times summed once every part has succeeded, or the first failure at once
 * with its task index (later parts are then ignored). A part is a {@link Batch} of the same
 * sequence, seed and nesting whose first index is that of its first task, so each task sees the
 * same {@code TaskContext} (index, random numbers) whichever part runs it.
 */
final class SplitBatch {
  private final Batch original;
  private Object[] results;
  private int missing;
  private long runNanos;
  private boolean reported;

  /**
   * Consecutive tasks of a submitted batch, run as one Spark partition.
   *
   * @param batch the tasks, as a batch of their own
   * @param whole the submitted batch they belong to
   * @param knownBytes the encoded size of their outcome when known (measured on an executor), or -1
   * @param alone whether the part must be its job's only partition (after Spark refused a job's
   *     results as too large)
   */
  record Part(Batch batch, SplitBatch whole, long knownBytes, boolean alone) {
    /** The number of tasks. */
    int size() {
      return batch.size();
    }

    /** This part, to run as its job's only partition. */
    Part asAlone() {
      return new Part(batch, whole, knownBytes, true);
    }
  }

  private SplitBatch(Batch original) {
    this.original = original;
    this.missing = original.size();
  }

  /** A submitted batch as a single part. */
  static Part of(Batch batch) {
    return new Part(batch, new SplitBatch(batch), -1, false);
  }

  /** The submitted batch. */
  Batch original() {
    return original;
  }

  /** Whether the submitted batch's outcome went out (all parts succeeded, or one failed). */
  boolean reported() {
    return reported;
  }

  /** {@code part} cut into parts of at most {@code tasksPerPart} tasks, in order. */
  static List<Part> split(Part part, int tasksPerPart) {
    List<Part> parts = new ArrayList<>();
    for (int from = 0; from < part.size(); from += tasksPerPart) {
      int to = Math.min(part.size(), from + tasksPerPart);
      parts.add(new Part(RunBatch.part(part.batch(), from, to), part.whole(), -1, part.alone()));
    }
    return parts;
  }

  /** {@code part} cut in two halves, each to run alone. */
  static List<Part> halves(Part part) {
    List<Part> parts = new ArrayList<>();
    for (Part half : split(part, (part.size() + 1) / 2)) {
      parts.add(half.asAlone());
    }
    return parts;
  }

  /**
   * The tasks of {@code part} from {@code from} on, cut into consecutive parts whose known outcome
   * sizes add up to at most {@code budget} bytes (a task larger than that is a part of its own).
   *
   * @param sizes the outcome size of each task from {@code from} on, as measured on the executor
   */
  static List<Part> splitBySizes(Part part, int from, long[] sizes, long budget) {
    List<Part> parts = new ArrayList<>();
    int start = 0;
    long sum = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (i > start && sum + sizes[i] > budget) {
        parts.add(sized(part, from + start, from + i, sum));
        start = i;
        sum = 0;
      }
      sum += sizes[i];
    }
    parts.add(sized(part, from + start, from + sizes.length, sum));
    return parts;
  }

  private static Part sized(Part part, int from, int to, long bytes) {
    return new Part(RunBatch.part(part.batch(), from, to), part.whole(), bytes, part.alone());
  }

  /**
   * Takes the outcome of one part (or of its leading tasks); returns the submitted batch's outcome
   * when it is complete or has failed, null while parts are missing or once it has been reported.
   */
  BatchOutcome merge(BatchOutcome part) {
    if (reported) {
      return null;
    }
    if (!part.succeeded()) {
      reported = true;
      results = null;
      return part.size() == original.size()
          ? part
          : BatchOutcome.failure(original, part.failedIndex(), part.failure());
    }
    if (part.size() == original.size()) {
      reported = true;
      return part;
    }
    if (results == null) {
      results = new Object[original.size()];
    }
    List<Object> values = part.results();
    int offset = part.firstIndex() - original.firstIndex();
    for (int i = 0; i < values.size(); i++) {
      results[offset + i] = values.get(i);
    }
    missing -= values.size();
    runNanos += part.runNanos();
    if (missing > 0) {
      return null;
    }
    reported = true;
    BatchOutcome merged = BatchOutcome.success(original, results, runNanos);
    results = null;
    return merged;
  }
}
