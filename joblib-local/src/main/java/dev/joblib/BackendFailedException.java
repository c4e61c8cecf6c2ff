package dev.joblib;

import java.util.Objects;

/**
 * The backend itself failed, not a task: the engine a call runs on (a Beam runner, a cluster)
 * refused the job, lost it, could not stage its data or was cancelled from outside. No task's
 * function threw, so unlike {@link TaskFailedException} there is no task index; the call returned
 * no results. The message names the backend and what failed (a runner, an address, a path), the
 * cause chain holds the engine's original exception.
 *
 * <p>A backend reports it as the failure of a batch ({@link
 * dev.joblib.spi.BatchOutcome#failure(dev.joblib.spi.Batch, int, Throwable)}); {@link Parallel}
 * then throws it as it is instead of wrapping it in a {@link TaskFailedException}.
 *
 * @since 0.1
 */
public class BackendFailedException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** The id of the backend that failed. */
  private final String backend;

  /**
   * Creates the exception.
   *
   * @param backend the id of the backend that failed, never null
   * @param message what failed, with its context (runner, address, path)
   * @param cause the engine's original exception, may be null
   * @throws NullPointerException if {@code backend} is null
   */
  public BackendFailedException(String backend, String message, Throwable cause) {
    super(message, cause);
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  /**
   * Returns the id of the backend that failed, such as {@code "beam"}.
   *
   * @return the backend id, never null
   */
  public String backend() {
    return backend;
  }
}
