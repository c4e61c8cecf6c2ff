package dev.joblib;

import java.io.Serializable;

/**
 * A reference to a result kept in a {@link Memory}'s store, returned by {@code callAndShelve}
 * (joblib's {@code MemorizedResult}). It is small and serializable: pass it to another task or JVM
 * instead of the value, and {@link #get()} loads the value where it is needed.
 *
 * @param <R> the result type
 * @since 0.1
 */
public interface MemorizedResult<R> extends Serializable {
  /**
   * Loads the result from the store.
   *
   * @return the result, may be null
   * @throws JoblibException if the entry was cleared or evicted, or cannot be read (the message
   *     names the function, the argument hash and the location); for a Memory without a location,
   *     after {@link #clear()}
   */
  R get();

  /**
   * Deletes the entry from the store. Does nothing if it is already gone. A result of a Memory
   * without a location (joblib's {@code NotMemorizedResult}) holds its value itself: this drops it,
   * so that {@link #get()} fails afterwards as it does for a stored result.
   *
   * @throws java.io.UncheckedIOException if the store cannot delete the entry
   */
  void clear();

  /**
   * Returns the cached function, as {@code package.Class/method}.
   *
   * @return the function's id, never null
   */
  String functionId();

  /**
   * Returns the hash of the call's arguments that names the entry.
   *
   * @return the argument hash, never null
   */
  String argsId();
}
