package dev.joblib.spi;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What running a {@link Batch} produced: every task's result, or the first failure and the index of
 * the task that failed.
 *
 * @since 0.1
 */
public final class BatchOutcome implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Object[] NO_RESULTS = new Object[0];

  /** The batch's number within its call. */
  private final int sequence;

  /** The index of the batch's first task. */
  private final int firstIndex;

  /** The number of tasks in the batch. */
  private final int size;

  /** The results in task order; none when the batch failed. */
  private final Object[] results;

  /** The index of the task that failed, or -1. */
  private final int failedIndex;

  /** The failed task's exception, or null. */
  private final Throwable failure;

  /** How long the batch ran, in nanoseconds. */
  private final long runNanos;

  private BatchOutcome(
      Batch batch, Object[] results, int failedIndex, Throwable failure, long runNanos) {
    this(
        batch.sequence(),
        batch.firstIndex(),
        batch.size(),
        results,
        failedIndex,
        failure,
        runNanos);
  }

  private BatchOutcome(
      int sequence,
      int firstIndex,
      int size,
      Object[] results,
      int failedIndex,
      Throwable failure,
      long runNanos) {
    this.sequence = sequence;
    this.firstIndex = firstIndex;
    this.size = size;
    this.results = results;
    this.failedIndex = failedIndex;
    this.failure = failure;
    this.runNanos = runNanos;
  }

  /**
   * Creates the outcome of a batch whose tasks all returned.
   *
   * @param batch the batch
   * @param results one result per task, in order
   * @param runNanos how long the batch ran on its worker
   * @return the outcome
   * @throws IllegalArgumentException if the number of results is not the batch's size
   */
  public static BatchOutcome success(Batch batch, Object[] results, long runNanos) {
    if (results.length != batch.size()) {
      throw new IllegalArgumentException(
          batch + " has " + batch.size() + " tasks but " + results.length + " results");
    }
    return new BatchOutcome(batch, results, -1, null, runNanos);
  }

  /**
   * Creates the outcome of a batch that failed at one task (or could not run at all: then the index
   * is the batch's first task).
   *
   * <p>The call then fails with a {@link dev.joblib.TaskFailedException} for {@code failedIndex}
   * caused by {@code failure}, unless {@code failure} is a {@link
   * dev.joblib.BackendFailedException} (the backend failed, not the task): that one is thrown as it
   * is.
   *
   * @param batch the batch
   * @param failedIndex the index of the task that failed, within the call's input
   * @param failure what it threw, never null
   * @return the outcome
   */
  public static BatchOutcome failure(Batch batch, int failedIndex, Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    if (failedIndex < batch.firstIndex() || failedIndex >= batch.firstIndex() + batch.size()) {
      throw new IllegalArgumentException(failedIndex + " is not a task index of " + batch);
    }
    return new BatchOutcome(batch, NO_RESULTS, failedIndex, failure, 0);
  }

  /**
   * Returns the sequence number of the batch.
   *
   * @return from 0
   */
  public int sequence() {
    return sequence;
  }

  /**
   * Returns the index of the batch's first task.
   *
   * @return from 0
   */
  public int firstIndex() {
    return firstIndex;
  }

  /**
   * Returns the number of tasks in the batch.
   *
   * @return at least 1
   */
  public int size() {
    return size;
  }

  /**
   * Tells whether every task of the batch returned.
   *
   * @return true on success
   */
  public boolean succeeded() {
    return failure == null;
  }

  /**
   * Returns the results of a successful batch, in task order.
   *
   * @return an unmodifiable list whose elements may be null; empty on failure
   */
  public List<Object> results() {
    return Collections.unmodifiableList(Arrays.asList(results));
  }

  /**
   * Returns the index of the failed task.
   *
   * @return the index, or -1 on success
   */
  public int failedIndex() {
    return failedIndex;
  }

  /**
   * Returns what the failed task threw.
   *
   * @return the exception, or null on success
   */
  public Throwable failure() {
    return failure;
  }

  /**
   * Returns how long the batch ran on its worker.
   *
   * @return nanoseconds, 0 when unknown
   */
  public long runNanos() {
    return runNanos;
  }

  /**
   * Serializes the outcome in its compact form, {@link Form}.
   *
   * @return the form written in place of the outcome
   */
  private Object writeReplace() {
    return new Form(this);
  }

  /**
   * Refuses the outcome's plain form: an outcome is only ever read from its {@link Form}, so a
   * stream that holds one otherwise is forged.
   *
   * @param in the stream
   * @throws InvalidObjectException always
   */
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a BatchOutcome is read from its compact form only");
  }

  /**
   * An outcome as it travels: its results as {@link BoxedValues#pack} writes them (the results of
   * small tasks, boxed numbers, as one primitive array), checked for consistency when read.
   */
  private static final class Form implements Serializable {
    private static final long serialVersionUID = 1L;

    /** See {@link BatchOutcome#sequence()}. */
    private final int sequence;

    /** See {@link BatchOutcome#firstIndex()}. */
    private final int firstIndex;

    /** See {@link BatchOutcome#size()}. */
    private final int size;

    /** The results, packed. */
    private final Object results;

    /** See {@link BatchOutcome#failedIndex()}. */
    private final int failedIndex;

    /** See {@link BatchOutcome#failure()}. */
    private final Throwable failure;

    /** See {@link BatchOutcome#runNanos()}. */
    private final long runNanos;

    Form(BatchOutcome outcome) {
      sequence = outcome.sequence;
      firstIndex = outcome.firstIndex;
      size = outcome.size;
      results = BoxedValues.pack(outcome.results);
      failedIndex = outcome.failedIndex;
      failure = outcome.failure;
      runNanos = outcome.runNanos;
    }

    /**
     * The outcome again.
     *
     * @return the outcome
     * @throws InvalidObjectException if the form is inconsistent
     */
    private Object readResolve() throws InvalidObjectException {
      Object[] values = BoxedValues.unpack(results);
      boolean consistent =
          size >= 1
              && firstIndex >= 0
              && (failure == null
                  ? failedIndex == -1 && values.length == size
                  : values.length == 0
                      && failedIndex >= firstIndex
                      && failedIndex - firstIndex < size);
      if (!consistent) {
        throw new InvalidObjectException(
            "a BatchOutcome form of " + size + " tasks does not match its results or failure");
      }
      return new BatchOutcome(
          sequence,
          firstIndex,
          size,
          failure == null ? values : NO_RESULTS,
          failedIndex,
          failure,
          runNanos);
    }
  }
}
