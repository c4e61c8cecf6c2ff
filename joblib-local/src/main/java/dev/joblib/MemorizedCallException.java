package dev.joblib;

/**
 * A memoised function ({@link MemorizedFn0} to {@link MemorizedFn4}) threw a checked exception
 * while computing a call. Memoised functions are called like plain Java methods that declare no
 * checked exception, so the checked exception is wrapped, the way {@link TaskFailedException} wraps
 * a task's failure: {@link #getCause()} is the very object the function threw. Unchecked exceptions
 * and errors the function throws pass through unchanged, unwrapped.
 *
 * <p>An {@link InterruptedException} is wrapped too, and the calling thread's interrupt status is
 * set again.
 *
 * @since 0.1
 */
public class MemorizedCallException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** The memoised function's id. */
  private final String functionId;

  /**
   * Creates the exception for a failed call.
   *
   * @param functionId the memoised function's id, {@code package.Class/method}
   * @param cause the checked exception the function threw, never null
   */
  public MemorizedCallException(String functionId, Exception cause) {
    super("memoised function " + functionId + " failed: " + cause, cause);
    this.functionId = functionId;
  }

  /**
   * Returns the id of the memoised function that failed, as {@link MemorizedFn1#functionId()} gives
   * it.
   *
   * @return the id, {@code package.Class/method}, never null
   */
  public String functionId() {
    return functionId;
  }
}
