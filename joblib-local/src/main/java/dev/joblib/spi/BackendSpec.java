package dev.joblib.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ParallelBackendProvider} is asked to create: the requested number of workers as the
 * user gave it (negative values count back from the available CPUs or cores) and the backend
 * options set with {@code Parallel.option(...)} or {@code ParallelConfig}, and the thread limit
 * inside workers set with {@code ParallelConfig.Builder.innerMaxNumThreads}.
 *
 * @param nJobs the requested number of workers, never 0: positive, or negative as in joblib (-1 all
 *     CPUs, -2 all but one)
 * @param options backend-specific options by name, never null
 * @param verbose joblib's verbosity level, 0 for silent
 * @param innerMaxNumThreads the thread limit inside each worker (joblib's {@code
 *     inner_max_num_threads}), or 0 when not set; a backend whose workers are other processes sets
 *     their native thread pools' variables ({@code OMP_NUM_THREADS}, ...) to it, others may ignore
 *     it (the engine caps the calls made inside tasks itself)
 * @since 0.1
 */
public record BackendSpec(
    int nJobs, Map<String, String> options, int verbose, int innerMaxNumThreads) {
  /**
   * Validates and copies the settings.
   *
   * @param nJobs the requested number of workers, not 0
   * @param options backend-specific options by name
   * @param verbose joblib's verbosity level
   * @param innerMaxNumThreads the thread limit inside each worker, or 0 when not set
   * @throws IllegalArgumentException if {@code nJobs} is 0 or {@code innerMaxNumThreads} negative
   */
  public BackendSpec {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0 (it has no meaning), got 0");
    }
    if (innerMaxNumThreads < 0) {
      throw new IllegalArgumentException(
          "innerMaxNumThreads must be 0 (not set) or positive, got " + innerMaxNumThreads);
    }
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
  }

  /**
   * Creates a spec without a thread limit inside the workers.
   *
   * @param nJobs the requested number of workers, not 0
   * @param options backend-specific options by name
   * @param verbose joblib's verbosity level
   * @throws IllegalArgumentException if {@code nJobs} is 0
   */
  public BackendSpec(int nJobs, Map<String, String> options, int verbose) {
    this(nJobs, options, verbose, 0);
  }

  /**
   * Returns an option's value.
   *
   * @param name the option's name
   * @return the value, or empty when it is not set
   */
  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /**
   * Prints the settings, secret option values redacted (see {@link SecretOptions}).
   *
   * @return the printable form
   */
  @Override
  public String toString() {
    return "BackendSpec[nJobs="
        + nJobs
        + ", options="
        + SecretOptions.redacted(options)
        + ", verbose="
        + verbose
        + ", innerMaxNumThreads="
        + innerMaxNumThreads
        + "]";
  }
}
