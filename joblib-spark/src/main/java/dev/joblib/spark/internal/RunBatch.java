package dev.joblib.spark.internal;

import dev.joblib.JoblibException;
import dev.joblib.RemoteTaskException;
import dev.joblib.Task;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * What a Spark task does with its partition (its share of {@code spark.driver.maxResultSize} as a
 * big-endian long, then one serialized {@link Batch}): runs the batch on the executor and returns
 * its serialized {@link BatchOutcome}. A task's exception is returned as data, so Spark never
 * retries a deterministic user error; only a batch that cannot be read (a missing class, a broken
 * jar) fails the Spark task and is left to Spark's retries.
 *
 * <p>An outcome larger than the partition's share is not sent: a task whose result alone is too
 * large for any job fails by index; otherwise an {@link OversizedOutcome} goes back with the
 * outcome of the leading tasks that fit and the result sizes of the others, which the driver runs
 * again in parts that fit.
 */
final class RunBatch extends AbstractFunction1<Iterator<byte[]>, byte[]> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most characters of a failure's message sent back when the whole failure is too large. */
  private static final int MAX_MESSAGE_CHARS = 16 * 1024;

  /** The most stack frames of a failure sent back when the whole failure is too large. */
  private static final int MAX_FRAMES = 1024;

  /** Bytes kept below a share for what wraps the leading tasks' outcome in the marker. */
  private static final long MARKER_SLACK = 1024;

  private final ResultLimit limit;

  /**
   * Creates the function.
   *
   * @param limit the session's {@code spark.driver.maxResultSize}
   */
  RunBatch(ResultLimit limit) {
    this.limit = limit;
  }

  @Override
  public byte[] apply(Iterator<byte[]> partition) {
    byte[] data = partition.next();
    long share = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      share = (share << 8) | (data[i] & 0xff);
    }
    Batch batch;
    try {
      batch = (Batch) Wire.read(data, Long.BYTES, Wire.contextLoader());
    } catch (IOException e) {
      throw Wire.unchecked(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "a batch could not be read on the executor: class "
              + e.getMessage()
              + " is missing (ship the application jar with spark-submit or spark.jars)",
          e);
    }
    // a task of n CPUs runs its own calls on n threads
    return withinShare(batch, TaskNesting.forThisSparkTask(batch).run(), share);
  }

  /** The encoded outcome, or what replaces it when it is larger than {@code share} bytes. */
  byte[] withinShare(Batch batch, BatchOutcome outcome, long share) {
    byte[] bytes = encode(batch, outcome);
    if (bytes.length <= share) {
      return bytes;
    }
    if (!outcome.succeeded()) {
      return encode(batch, cutFailure(batch, outcome, bytes.length, share));
    }
    List<Task<?>> tasks = batch.tasks();
    List<Object> results = outcome.results();
    long[] sizes = new long[tasks.size()];
    for (int i = 0; i < sizes.length; i++) {
      Batch alone = part(batch, i, i + 1);
      // what this task's outcome weighs when it runs alone: what the driver plans with
      sizes[i] =
          encode(alone, BatchOutcome.success(alone, new Object[] {results.get(i)}, 0)).length;
      if (sizes[i] > limit.partitionLimit()) {
        int index = batch.firstIndex() + i;
        return encode(
            batch,
            BatchOutcome.failure(
                batch, index, new IllegalStateException(limit.tooLarge(index, sizes[i]))));
      }
    }
    int fit = 0;
    long used = MARKER_SLACK;
    while (fit < sizes.length - 1 && used + sizes[fit] <= share) {
      used += sizes[fit++];
    }
    for (; fit >= 0; fit--) {
      byte[] marker = Wire.writeOrFail(oversized(batch, outcome, sizes, fit));
      if (marker.length <= share || fit == 0) {
        return marker;
      }
    }
    throw new AssertionError("unreachable");
  }

  /**
   * The failure of {@code outcome}, which serializes to more than this Spark task's share (a huge
   * message, a large value held by the exception), as what can go back: the original class name,
   * the start of its message and its stack trace (at most {@link #MAX_FRAMES} frames), without its
   * causes, and a note saying so.
   */
  static BatchOutcome cutFailure(Batch batch, BatchOutcome outcome, long bytes, long share) {
    Throwable failure = outcome.failure();
    String message = failure.getMessage();
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      message =
          message.substring(0, MAX_MESSAGE_CHARS)
              + "... ("
              + message.length()
              + " characters in all)";
    }
    StackTraceElement[] frames = failure.getStackTrace();
    RemoteTaskException cut =
        new RemoteTaskException(
            failure.getClass().getName(),
            message,
            Arrays.copyOf(frames, Math.min(frames.length, MAX_FRAMES)),
            null);
    cut.addSuppressed(
        new JoblibException(
            "the exception of task "
                + outcome.failedIndex()
                + " is "
                + bytes
                + " bytes serialized, more than this Spark task may send back ("
                + share
                + " bytes of "
                + ResultLimit.SETTING
                + "): sent without its causes, its message cut to "
                + MAX_MESSAGE_CHARS
                + " characters"));
    return BatchOutcome.failure(batch, outcome.failedIndex(), cut);
  }

  private static OversizedOutcome oversized(
      Batch batch, BatchOutcome outcome, long[] sizes, int fit) {
    BatchOutcome done = null;
    if (fit > 0) {
      Batch first = part(batch, 0, fit);
      done =
          BatchOutcome.success(
              first,
              outcome.results().subList(0, fit).toArray(),
              outcome.runNanos() / sizes.length * fit);
    }
    return new OversizedOutcome(done, Arrays.copyOfRange(sizes, fit, sizes.length));
  }

  /** The tasks {@code from} (inclusive) to {@code to} of {@code batch}, as a batch of their own. */
  static Batch part(Batch batch, int from, int to) {
    return new Batch(
        batch.sequence(),
        batch.firstIndex() + from,
        batch.tasks().subList(from, to),
        batch.seed(),
        batch.backendId(),
        batch.nesting());
  }

  /** Serializes the outcome; a result or exception that does not serialize becomes a failure. */
  static byte[] encode(Batch batch, BatchOutcome outcome) {
    try {
      return Wire.write(outcome);
    } catch (IOException | RuntimeException e) {
      return Wire.writeOrFail(replacement(batch, outcome, e));
    }
  }

  private static BatchOutcome replacement(Batch batch, BatchOutcome outcome, Exception error) {
    if (!outcome.succeeded()) {
      RemoteTaskException copy = RemoteTaskException.copyOf(outcome.failure());
      copy.addSuppressed(
          new JoblibException(
              "the original exception could not be sent back from the executor: " + error));
      return BatchOutcome.failure(batch, outcome.failedIndex(), copy);
    }
    List<Object> results = outcome.results();
    for (int i = 0; i < results.size(); i++) {
      Exception e = Wire.writeError(results.get(i));
      if (e != null) {
        Object result = results.get(i);
        return BatchOutcome.failure(
            batch,
            batch.firstIndex() + i,
            new IllegalStateException(
                "the result of task "
                    + (batch.firstIndex() + i)
                    + " ("
                    + result.getClass().getName()
                    + ") cannot be sent back to the driver: "
                    + e,
                RemoteTaskException.copyOf(e)));
      }
    }
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new IllegalStateException(
            "the results of " + batch + " cannot be sent back to the driver: " + error,
            RemoteTaskException.copyOf(error)));
  }
}
