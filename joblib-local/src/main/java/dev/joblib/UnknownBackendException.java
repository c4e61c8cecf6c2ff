package dev.joblib;

/**
 * No backend with the requested id is on the class path. The message lists the ids that were found
 * and, for the known plug-ins, the artifact that provides the missing one.
 *
 * @since 0.1
 */
public class UnknownBackendException extends IllegalArgumentException {
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
