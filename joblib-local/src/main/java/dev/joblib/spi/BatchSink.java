package dev.joblib.spi;

/**
 * Receives what happens to a {@link BackendCall}'s batches: when each starts to run, and its
 * outcome.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface BatchSink {
  /**
   * Takes the outcome of one batch. Thread-safe and non-blocking.
   *
   * @param outcome what the batch produced or how it failed, never null
   */
  void accept(BatchOutcome outcome);

  /**
   * Notes that a batch begins to run on a worker: the worker is up and the batch is handed to it (a
   * pool thread takes it, a worker JVM that has started receives it, an executor launches its Spark
   * task). The call's timeout clock for the batch starts here, so time spent starting workers or
   * waiting for a free slot never counts against a task. Thread-safe and non-blocking; a second
   * call for the same batch (a retried attempt) has no further effect.
   *
   * <p>A backend without {@link Capability#TIMEOUT} must call this once for every batch it runs,
   * before that batch's outcome; a batch never reported as started is never timed out.
   *
   * @param batch the batch, as submitted; never null
   */
  default void started(Batch batch) {}
}
