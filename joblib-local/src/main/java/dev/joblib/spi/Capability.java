package dev.joblib.spi;

/**
 * What a {@link ParallelBackend} can do beyond running batches; {@code Parallel} and the contract
 * suite adapt to these.
 *
 * @since 0.1
 */
public enum Capability {
  /** Tasks run in the caller's JVM and see its objects ({@code Require.SHAREDMEM}). */
  SHARED_MEMORY,
  /** Tasks leave the caller's JVM: functions and arguments are serialized and checked first. */
  REMOTE,
  /** {@link BackendCall#cancel()} interrupts running tasks, not only queued ones. */
  INTERRUPT,
  /** Results of early batches arrive while later batches still run, so streams are incremental. */
  INCREMENTAL_RESULTS,
  /**
   * The backend applies {@link CallInfo#timeout()} itself, from the moment a batch really starts on
   * its worker, and reports an expired batch as a failed outcome whose failure is a {@code
   * TaskTimeoutException}; {@code Parallel} then runs no clock of its own. For backends whose
   * batches start long after they are submitted (a pipeline or job being scheduled) and whose
   * results arrive all at once.
   */
  TIMEOUT
}
