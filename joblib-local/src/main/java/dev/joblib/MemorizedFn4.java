package dev.joblib;

/**
 * A {@link Fn4} whose results {@link Memory} keeps in its store: {@link #apply} returns the stored
 * result when the same call was computed before (by this or any JVM sharing the location), and
 * computes and stores it otherwise. Obtained from {@link Memory#cache(Fn4)}; it drops in wherever a
 * {@code Fn4} is expected, including {@link Parallel} tasks on any backend.
 *
 * <p>Immutable and serializable: the option methods return new instances, and a copy sent to a
 * worker JVM reopens the store there.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <D> the fourth argument type
 * @param <R> the result type
 * @since 0.1
 */
public interface MemorizedFn4<A, B, C, D, R> extends Fn4<A, B, C, D, R> {
  /**
   * Returns the stored result of this call, or computes, stores and returns it. Called like the
   * function itself (joblib's memoised call), it declares no checked exception: {@code Model m =
   * fit.apply(params);} compiles in any method.
   *
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param d the fourth argument
   * @return the result, may be null
   * @throws MemorizedCallException if the function has to be computed and throws a checked
   *     exception, which is its {@linkplain Throwable#getCause() cause}; the function's unchecked
   *     exceptions and errors pass through unchanged
   * @throws IllegalArgumentException if an argument cannot be hashed
   */
  @Override
  R apply(A a, B b, C c, D d);

  /**
   * Tells whether the call is in the cache and valid, without computing or loading it (joblib's
   * {@code check_call_in_cache}).
   *
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param d the fourth argument
   * @return whether a call would be a hit
   * @throws IllegalArgumentException if an argument cannot be hashed
   */
  boolean isCached(A a, B b, C c, D d);

  /**
   * Makes sure the call's result is in the store (computing it if needed) and returns a reference
   * to it without loading it (joblib's {@code call_and_shelve}).
   *
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param d the fourth argument
   * @return a serializable reference to the stored result
   * @throws MemorizedCallException if the function has to be computed and throws a checked
   *     exception (the cause); its unchecked exceptions and errors pass through unchanged
   * @throws IllegalArgumentException if an argument cannot be hashed
   */
  MemorizedResult<R> callAndShelve(A a, B b, C c, D d);

  /**
   * Deletes every stored result of this function.
   *
   * @throws java.io.UncheckedIOException if the store cannot delete them
   */
  void clear();

  /**
   * Returns the function's id in the store, {@code package.Class/method}: results live under {@code
   * <location>/joblib/<functionId>/}.
   *
   * @return the id, never null
   */
  String functionId();

  /**
   * Returns a copy that leaves the arguments at the given positions out of the cache key (joblib's
   * {@code ignore}), for arguments that do not change the result such as a verbosity flag or a
   * logger. Calls differing only in ignored arguments share one entry.
   *
   * @param positions 0-based argument positions, each at most once
   * @return the new memoised function
   * @throws IllegalArgumentException if a position is outside 0..3 or repeated
   */
  MemorizedFn4<A, B, C, D, R> ignore(int... positions);

  /**
   * Returns a copy that checks each stored result with {@code validation} before using it; a
   * rejected result is deleted and computed again (joblib's {@code cache_validation_callback}).
   *
   * @param validation the check, never null
   * @return the new memoised function
   * @throws NullPointerException if {@code validation} is null
   */
  MemorizedFn4<A, B, C, D, R> cacheValidation(CacheValidation validation);

  /**
   * Returns a copy keyed by an explicit version instead of the hash of the function's bytecode:
   * edits keep the stored results until the version changes.
   *
   * @param version any non-blank text
   * @return the new memoised function
   * @throws NullPointerException if {@code version} is null
   * @throws IllegalArgumentException if {@code version} is blank
   */
  MemorizedFn4<A, B, C, D, R> version(String version);
}
