package dev.joblib;

/**
 * A worker process died while it ran a task (it called {@code System.exit}, crashed in native code,
 * ran out of memory or was killed). It is the cause of the call's {@link TaskFailedException}; the
 * worker was replaced and later calls run normally.
 *
 * @since 0.1
 */
public class WorkerDiedException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** The process id of the worker that died. */
  private final long pid;

  /** The worker's exit code; 128 + n when a signal n killed it. */
  private final int exitCode;

  /** The last lines the worker wrote to its standard error. */
  private final String stderrTail;

  /**
   * Creates the exception.
   *
   * @param message what happened, with the task index, pid and exit status
   * @param pid the worker's process id
   * @param exitCode the worker's exit code; 128 + n when it was killed by signal n
   * @param stderrTail the last lines the worker wrote to its standard error, may be empty
   */
  public WorkerDiedException(String message, long pid, int exitCode, String stderrTail) {
    super(message);
    this.pid = pid;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail == null ? "" : stderrTail;
  }

  /**
   * Returns the process id of the worker that died.
   *
   * @return the pid
   */
  public long pid() {
    return pid;
  }

  /**
   * Returns the worker's exit code.
   *
   * @return the exit code; 128 + n when it was killed by signal n (137 for {@code kill -9})
   */
  public int exitCode() {
    return exitCode;
  }

  /**
   * Returns the last lines the worker wrote to its standard error before it died.
   *
   * @return the lines, possibly empty, never null
   */
  public String stderrTail() {
    return stderrTail;
  }
}
