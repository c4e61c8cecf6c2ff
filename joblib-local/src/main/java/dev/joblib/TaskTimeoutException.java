package dev.joblib;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A task ran longer than the call's {@link Parallel#timeout(Duration) timeout}; the call was
 * stopped and the task interrupted. The cause is a {@link TimeoutException}.
 *
 * @since 0.1
 */
public class TaskTimeoutException extends TaskFailedException {
  private static final long serialVersionUID = 1L;

  /** The call's timeout that the task exceeded. */
  private final Duration timeout;

  /**
   * Creates the exception.
   *
   * @param taskIndex the index of the first task of the batch that timed out
   * @param backend the id of the backend the task ran on
   * @param timeout the timeout that was exceeded
   */
  public TaskTimeoutException(int taskIndex, String backend, Duration timeout) {
    super(
        "Task "
            + taskIndex
            + " timed out after "
            + timeout.toMillis()
            + " ms on backend '"
            + backend
            + "'",
        taskIndex,
        backend,
        new TimeoutException("no result within " + timeout.toMillis() + " ms"));
    this.timeout = timeout;
  }

  /**
   * Returns the timeout that was exceeded.
   *
   * @return the timeout, never null
   */
  public Duration timeout() {
    return timeout;
  }
}
