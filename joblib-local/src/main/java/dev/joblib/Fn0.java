package dev.joblib;

import java.io.Serializable;

/**
 * A serializable function of no arguments that may throw checked exceptions.
 *
 * <p>Being {@link Serializable}, a lambda or method reference of this type can run on a thread, in
 * a worker JVM, on a Spark executor or in a Beam worker unchanged. Everything it captures must be
 * serializable too when a distributed backend runs it; {@link Parallel} checks that before
 * submitting anything.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Fn0<R> extends Serializable {
  /**
   * Computes the result.
   *
   * @return the result, may be null
   * @throws Exception anything the function throws; {@link Parallel} reports it as the cause of a
   *     {@link TaskFailedException}
   */
  R call() throws Exception;
}
