package dev.joblib;

/**
 * Hard constraints on the backend a {@link Parallel} call may use (joblib's {@code require}).
 *
 * @since 0.1
 */
public enum Require {
  /**
   * Tasks must share the caller's memory: the call runs on the {@code threads} backend, whatever
   * the enclosing {@link ParallelConfig} scope says. An explicit backend without shared memory is
   * an error.
   */
  SHAREDMEM
}
