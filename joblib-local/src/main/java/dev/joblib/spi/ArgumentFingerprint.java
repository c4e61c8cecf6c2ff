package dev.joblib.spi;

/**
 * Gives an argument type of a memoised function a cache identity other than the hash of its
 * serialized form: a Spark {@code Dataset} by its analyzed plan and the files it reads, for
 * example. Found with {@link java.util.ServiceLoader}; the first one that {@linkplain #accepts
 * accepts} an argument replaces it in the cache key by its {@link #fingerprint}.
 *
 * @since 0.2
 */
public interface ArgumentFingerprint {
  /**
   * Tells whether this plug-in keys an argument.
   *
   * @param argument an argument of a memoised call, never null
   * @return true to key it with {@link #fingerprint}
   */
  boolean accepts(Object argument);

  /**
   * Returns what determines the argument's content, to be hashed into the cache key in its place.
   * Equal fingerprints must mean equal content, across processes and machines.
   *
   * @param argument an argument accepted by {@link #accepts}
   * @return a string naming the content, never null
   * @throws IllegalArgumentException if the argument has no stable identity (data held only in
   *     memory, say); the message says why, and Memory adds how to key the call by hand
   */
  String fingerprint(Object argument);
}
