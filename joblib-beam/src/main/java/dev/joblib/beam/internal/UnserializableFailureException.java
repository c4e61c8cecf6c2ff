package dev.joblib.beam.internal;

/**
 * Stands for a task's exception that could not be serialized on the Beam worker: it keeps the
 * original class name, message and stack trace, and says why the original could not be sent.
 */
public final class UnserializableFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalClassName;

  UnserializableFailureException(Throwable original, Exception whyNot) {
    super(
        original.getClass().getName()
            + (original.getMessage() != null ? ": " + original.getMessage() : "")
            + " (the original exception could not be sent back from the Beam worker: "
            + whyNot
            + ")");
    this.originalClassName = original.getClass().getName();
    setStackTrace(original.getStackTrace());
  }

  /**
   * Returns the class name of the exception the task threw.
   *
   * @return a fully qualified class name
   */
  public String originalClassName() {
    return originalClassName;
  }
}
