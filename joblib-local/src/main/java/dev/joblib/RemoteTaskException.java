package dev.joblib;

import java.util.Objects;

/**
 * An exception thrown by a task in another JVM (a worker process, an executor) that could not be
 * recreated in the caller, for instance because its class is missing here or it holds a field that
 * does not serialize. It carries the original class name, message and stack trace; its own stack
 * trace is set to the remote one, so {@link #printStackTrace()} shows where the task failed, and
 * its cause is the remote cause, recreated the same way.
 *
 * @since 0.1
 */
public class RemoteTaskException extends JoblibException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;
  private final String remoteMessage;

  /**
   * Creates the stand-in for a remote exception.
   *
   * @param remoteClassName the fully qualified class name of the original exception, never null
   * @param remoteMessage the original message, may be null
   * @param remoteStackTrace the original stack trace, never null (may be empty)
   * @param cause the stand-in for the original cause, may be null
   * @throws NullPointerException if {@code remoteClassName} or {@code remoteStackTrace} is null
   */
  public RemoteTaskException(
      String remoteClassName,
      String remoteMessage,
      StackTraceElement[] remoteStackTrace,
      Throwable cause) {
    super(
        remoteMessage == null
            ? Objects.requireNonNull(remoteClassName, "remoteClassName")
            : remoteClassName + ": " + remoteMessage,
        cause);
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    setStackTrace(Objects.requireNonNull(remoteStackTrace, "remoteStackTrace").clone());
  }

  /**
   * Returns the class name of the original exception.
   *
   * @return a fully qualified class name, never null
   */
  public String remoteClassName() {
    return remoteClassName;
  }

  /**
   * Returns the message of the original exception.
   *
   * @return the message, or null if it had none
   */
  public String remoteMessage() {
    return remoteMessage;
  }

  /**
   * Returns the original stack trace as text, one {@code at ...} line per frame.
   *
   * @return the frames, never null
   */
  public String remoteStackTrace() {
    StringBuilder text = new StringBuilder();
    for (StackTraceElement frame : getStackTrace()) {
      text.append("\tat ").append(frame).append('\n');
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return getMessage() + " (remote " + remoteClassName + ")";
  }
}
