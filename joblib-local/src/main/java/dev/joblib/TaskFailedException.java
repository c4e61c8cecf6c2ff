package dev.joblib;

/**
 * A task of a {@link Parallel} call failed; the call was stopped.
 *
 * <p>{@link #getCause()} is the exception the task's function threw: on the in-JVM backends ({@code
 * sequential}, {@code threads}) it is the very same object, on other backends a faithful copy with
 * its original type, message and stack trace. Failures of other tasks that were seen before the
 * call stopped are attached as {@linkplain #getSuppressed() suppressed} exceptions.
 *
 * @since 0.1
 */
public class TaskFailedException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** The index of the failed task in the call's input. */
  private final int taskIndex;

  /** The id of the backend the task ran on. */
  private final String backend;

  /**
   * Creates the exception for a failed task.
   *
   * @param taskIndex the index of the failed task in the call's input, from 0
   * @param backend the id of the backend the task ran on
   * @param cause what the task threw, never null
   */
  public TaskFailedException(int taskIndex, String backend, Throwable cause) {
    this(describe(taskIndex, backend, cause), taskIndex, backend, cause);
  }

  /**
   * Creates the exception with a message of the caller's.
   *
   * @param message the message
   * @param taskIndex the index of the failed task in the call's input, from 0
   * @param backend the id of the backend the task ran on
   * @param cause what the task threw
   */
  protected TaskFailedException(String message, int taskIndex, String backend, Throwable cause) {
    super(message, cause);
    this.taskIndex = taskIndex;
    this.backend = backend;
  }

  private static String describe(int taskIndex, String backend, Throwable cause) {
    return "Task " + taskIndex + " failed on backend '" + backend + "': " + cause;
  }

  /**
   * Returns the index of the failed task in the call's input.
   *
   * @return the index, from 0
   */
  public int taskIndex() {
    return taskIndex;
  }

  /**
   * Returns the id of the backend the task ran on, such as {@code "threads"}.
   *
   * @return the backend id, never null
   */
  public String backend() {
    return backend;
  }
}
