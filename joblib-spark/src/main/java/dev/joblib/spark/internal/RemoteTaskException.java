package dev.joblib.spark.internal;

/**
 * Stands in for an exception thrown on an executor that could not be serialized: it keeps the
 * original's class name, message and stack trace, and the same for its causes.
 */
public final class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalClass;

  private RemoteTaskException(String originalClass, String message, RemoteTaskException cause) {
    super(originalClass + (message == null ? "" : ": " + message), cause);
    this.originalClass = originalClass;
  }

  /**
   * Returns the class name of the exception this one stands in for.
   *
   * @return a fully qualified class name
   */
  public String originalClass() {
    return originalClass;
  }

  /** A serializable copy of {@code t} and its causes. */
  static RemoteTaskException copyOf(Throwable t) {
    return copyOf(t, 0);
  }

  private static RemoteTaskException copyOf(Throwable t, int depth) {
    Throwable cause = t.getCause();
    RemoteTaskException copiedCause =
        cause != null && cause != t && depth < 32 ? copyOf(cause, depth + 1) : null;
    RemoteTaskException copy =
        new RemoteTaskException(t.getClass().getName(), t.getMessage(), copiedCause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }
}
