package dev.joblib;

/**
 * No backend with the requested id is on the class path. The message lists the ids that were found
 * and, for the known plug-ins, the artifact that provides the missing one.
 *
 * <p>It is thrown when a call resolves its backend, before any task runs. Like the other failures
 * of this library it is a {@link JoblibException}: the id may be right and the plug-in's jar
 * missing from this deployment. (A blank id is a bad argument and throws {@link
 * IllegalArgumentException} where it is set.)
 *
 * @since 0.1
 */
public class UnknownBackendException extends JoblibException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the id requested, the ids available and the artifact to add
   */
  public UnknownBackendException(String message) {
    super(message);
  }
}
