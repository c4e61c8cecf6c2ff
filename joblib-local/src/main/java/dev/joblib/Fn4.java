package dev.joblib;

import java.io.Serializable;

/**
 * A serializable function of four arguments that may throw checked exceptions.
 *
 * <p>Being {@link Serializable}, a lambda or method reference of this type can run on a thread, in
 * a worker JVM, on a Spark executor or in a Beam worker unchanged. Everything it captures must be
 * serializable too when a distributed backend runs it; {@link Parallel} checks that before
 * submitting anything.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Fn4<A, B, C, D, R> extends Serializable {
  /**
   * Computes the result.
   *
   * @param a an argument, may be null
   * @param b an argument, may be null
   * @param c an argument, may be null
   * @param d an argument, may be null
   * @return the result, may be null
   * @throws Exception anything the function throws; {@link Parallel} reports it as the cause of a
   *     {@link TaskFailedException}
   */
  R apply(A a, B b, C c, D d) throws Exception;
}
