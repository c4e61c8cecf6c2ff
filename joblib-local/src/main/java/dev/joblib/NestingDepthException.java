package dev.joblib;

/**
 * A {@code Parallel} call was made more deeply nested inside tasks than the limit allows: almost
 * always a task that calls {@code Parallel} on itself without end (joblib ends it with Python's
 * {@code RecursionError}).
 *
 * <p>The calls between the top-level one and the one that was refused pass this exception up as it
 * is, so its stack trace shows the recursion once; the top-level call wraps it in a {@link
 * TaskFailedException} naming its task. The limit is {@value #DEFAULT_LIMIT}, or the value of the
 * system property {@value #LIMIT_PROPERTY} of the JVM that runs the task (the {@code processes}
 * backend forwards it to its workers).
 *
 * @since 0.1
 */
public class NestingDepthException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /** The system property that sets the limit. */
  public static final String LIMIT_PROPERTY = "joblib.maxNestingDepth";

  /** The limit when the system property is not set. */
  public static final int DEFAULT_LIMIT = 64;

  /** The depth of the refused call. */
  private final int depth;

  /** The limit it went past. */
  private final int limit;

  /**
   * Creates the exception.
   *
   * @param depth the depth of the refused call: the number of calls it would run inside, its own
   *     included
   * @param limit the limit it went past
   */
  public NestingDepthException(int depth, int limit) {
    super(
        "Parallel calls nested "
            + depth
            + " deep inside tasks (limit "
            + limit
            + ", system property "
            + LIMIT_PROPERTY
            + "): does a task call Parallel on itself without end?");
    this.depth = depth;
    this.limit = limit;
  }

  /**
   * Returns the depth of the refused call.
   *
   * @return more than {@link #limit()}
   */
  public int depth() {
    return depth;
  }

  /**
   * Returns the limit the call went past.
   *
   * @return at least 1
   */
  public int limit() {
    return limit;
  }
}
