package dev.joblib.spi;

/**
 * Receives the outcomes of a {@link BackendCall}'s batches.
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
}
