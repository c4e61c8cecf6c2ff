package dev.joblib.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ParallelBackendProvider} is asked to create: the requested number of workers as the
 * user gave it (negative values count back from the available CPUs or cores) and the backend
 * options set with {@code Parallel.option(...)} or {@code ParallelConfig}.
 *
 * @param nJobs the requested number of workers, never 0: positive, or negative as in joblib (-1 all
 *     CPUs, -2 all but one)
 * @param options backend-specific options by name, never null
 * @param verbose joblib's verbosity level, 0 for silent
 * @since 0.1
 */
public record BackendSpec(int nJobs, Map<String, String> options, int verbose) {
  /**
   * Validates and copies the settings.
   *
   * @param nJobs the requested number of workers, not 0
   * @param options backend-specific options by name
   * @param verbose joblib's verbosity level
   * @throws IllegalArgumentException if {@code nJobs} is 0
   */
  public BackendSpec {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0 (it has no meaning), got 0");
    }
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
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
}
