package dev.joblib.spi;

/**
 * Makes {@link ParallelBackend}s of one kind; found with {@link java.util.ServiceLoader} through a
 * {@code META-INF/services/dev.joblib.spi.ParallelBackendProvider} file.
 *
 * <p>Ids are unique across the class path: two providers claiming one id is an error.
 *
 * @since 0.1
 */
public interface ParallelBackendProvider {
  /**
   * Returns the id users select this backend with, such as {@code "threads"} or {@code "spark"}.
   *
   * @return a short lowercase id, never null
   */
  String id();

  /**
   * Creates a backend for the given settings. Creating it should be cheap: pools, sessions and
   * connections are best opened when the first call starts.
   *
   * @param spec the requested number of workers and the backend options, never null
   * @return a new backend, never null
   * @throws IllegalArgumentException if an option in {@code spec} is not valid for this backend
   */
  ParallelBackend create(BackendSpec spec);

  /**
   * Returns the number of workers used when neither the call nor a scope sets {@code nJobs}: 1 as
   * in joblib (which runs in the calling thread); a cluster backend may return -1 (all its cores).
   *
   * @return positive, or negative as in joblib; never 0
   */
  default int defaultNJobs() {
    return 1;
  }
}
