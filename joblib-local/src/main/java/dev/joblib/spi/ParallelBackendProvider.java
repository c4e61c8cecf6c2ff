package dev.joblib.spi;

import java.util.Optional;
import java.util.Set;

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
   * Declares the names of the options this backend reads from {@link BackendSpec#options()}, so
   * that joblib refuses a misspelt one before any work starts: an option set next to {@code
   * backend(id)} (on a {@code Parallel} or a {@code ParallelConfig} scope) whose name is not in
   * this set fails the call, or the scope's {@code open()}, with an {@link
   * IllegalArgumentException} naming the option and the known names (Python's {@code max_nbytes}
   * given for {@code maxNbytes}, say). Options set where no backend is named must be known to some
   * backend that declares its names.
   *
   * <p>{@link #create} may still receive names outside this set, from a scope whose options were
   * meant for another backend (a nested call, a fallback to threads): it should ignore them.
   *
   * @return the option names, an empty set for a backend that takes none; or empty (the default)
   *     when the backend does not declare them, because they are open-ended (Beam's pipeline
   *     options) or because {@link #create} checks them itself
   */
  default Optional<Set<String>> optionNames() {
    return Optional.empty();
  }

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
