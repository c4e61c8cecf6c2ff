package dev.joblib;

/**
 * The root of the unchecked exceptions this library throws for failures at run time (a task that
 * failed, a worker that died, a store that cannot be read).
 *
 * <p>Bad arguments are reported with the JDK's {@link IllegalArgumentException}, {@link
 * NullPointerException} and {@link IllegalStateException} instead, naming the parameter.
 *
 * @since 0.1
 */
public class JoblibException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and the exception that caused it.
   *
   * @param message what went wrong, with its context
   * @param cause the original exception, may be null
   */
  public JoblibException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, with its context
   */
  public JoblibException(String message) {
    super(message);
  }
}
