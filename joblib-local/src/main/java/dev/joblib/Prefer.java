package dev.joblib;

/**
 * A soft hint for the backend of a {@link Parallel} call (joblib's {@code prefer}); it applies only
 * when neither the call nor an enclosing {@link ParallelConfig} scope names a backend.
 *
 * @since 0.1
 */
public enum Prefer {
  /** Prefer the {@code threads} backend (the default anyway). */
  THREADS,
  /** Prefer the {@code processes} backend (worker JVMs) when it is available. */
  PROCESSES
}
