package dev.joblib.internal.memory;

import dev.joblib.Compression;
import dev.joblib.Fn0;
import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Fn3;
import dev.joblib.Fn4;
import dev.joblib.MemorizedFn0;
import dev.joblib.MemorizedFn1;
import dev.joblib.MemorizedFn2;
import dev.joblib.MemorizedFn3;
import dev.joblib.MemorizedFn4;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The memo engine behind one {@link dev.joblib.Memory}, and the only way into this package: {@code
 * Memory} checks the user's arguments, builds one engine from its settings and hands every call to
 * it. Everything else here is package-private.
 *
 * <p>Immutable and serializable; the store is reopened where it runs.
 */
public final class MemoryEngine implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MemorySettings settings;

  private MemoryEngine(MemorySettings settings) {
    this.settings = settings;
  }

  /**
   * Returns the engine for a Memory's settings, already checked by the Memory's builder.
   *
   * @param location the store location as a URI string, or null for a Memory that caches nothing
   * @param compression how results are compressed
   * @param signingKey the HMAC key signing and verifying entries, or null (copied)
   * @param mmap whether large arrays of cached results are memory-mapped on load
   * @param verbose joblib's verbosity, 0 or more
   * @param maxBytes the size above which the least recently used entries are evicted after a write,
   *     or -1
   * @param storeOptions the store options (copied)
   * @param allowed class patterns, checked, that entries of a shared store may load besides what
   *     safe mode admits
   * @return the engine
   */
  public static MemoryEngine create(
      String location,
      Compression compression,
      byte[] signingKey,
      boolean mmap,
      int verbose,
      long maxBytes,
      Map<String, String> storeOptions,
      List<String> allowed) {
    return new MemoryEngine(
        new MemorySettings(
            location,
            compression.name(),
            compression.level(),
            signingKey,
            mmap,
            verbose,
            maxBytes,
            storeOptions,
            allowed));
  }

  /**
   * Returns the location.
   *
   * @return the location as a URI string, or null for a Memory that caches nothing
   */
  public String location() {
    return settings.location();
  }

  /**
   * Memoises a function of no arguments.
   *
   * @param fn the function, not null
   * @param <R> the result type
   * @return the memoised function
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <R> MemorizedFn0<R> cache(Fn0<R> fn) {
    return new MemorizedFns.Memo0<>(fn, core(fn, "call", 0));
  }

  /**
   * Memoises a function of one argument.
   *
   * @param fn the function, not null
   * @param <A> the argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, R> MemorizedFn1<A, R> cache(Fn1<A, R> fn) {
    return new MemorizedFns.Memo1<>(fn, core(fn, "apply", 1));
  }

  /**
   * Memoises a function of two arguments.
   *
   * @param fn the function, not null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, R> MemorizedFn2<A, B, R> cache(Fn2<A, B, R> fn) {
    return new MemorizedFns.Memo2<>(fn, core(fn, "apply", 2));
  }

  /**
   * Memoises a function of three arguments.
   *
   * @param fn the function, not null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, C, R> MemorizedFn3<A, B, C, R> cache(Fn3<A, B, C, R> fn) {
    return new MemorizedFns.Memo3<>(fn, core(fn, "apply", 3));
  }

  /**
   * Memoises a function of four arguments.
   *
   * @param fn the function, not null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <D> the fourth argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, C, D, R> MemorizedFn4<A, B, C, D, R> cache(Fn4<A, B, C, D, R> fn) {
    return new MemorizedFns.Memo4<>(fn, core(fn, "apply", 4));
  }

  private MemoizedCall core(Object fn, String method, int arity) {
    FunctionIdentity identity =
        settings.location() == null
            ? new FunctionIdentity(
                fn.getClass().getName().replace('/', '_') + "/" + method,
                fn.getClass().getSimpleName(),
                "none",
                "none",
                List.of(),
                null)
            : FunctionIdentity.of(fn, method, arity);
    return new MemoizedCall(settings, new CallKeys(identity, arity), null);
  }

  /**
   * Deletes every stored result of every function; does nothing when caching nothing.
   *
   * @throws java.io.UncheckedIOException if the store cannot delete them
   */
  public void clear() {
    if (settings.location() != null) {
      Stores.open(settings).unguarded().clear();
      CodeCheck.forgetStore(settings);
    }
  }

  /**
   * Evicts entries (joblib's {@code reduce_size}); the limits are already checked. A null limit
   * does not apply.
   *
   * @param bytesLimit the most bytes to keep, or null
   * @param itemsLimit the most results to keep, or null
   * @param ageLimit the longest time a result may stay unused, or null
   * @return how many results were deleted; 0 when caching nothing
   * @throws java.io.UncheckedIOException if the store cannot be listed or an entry not deleted
   */
  public int reduceSize(Long bytesLimit, Long itemsLimit, Duration ageLimit) {
    if (settings.location() == null) {
      return 0;
    }
    return Eviction.reduce(Stores.open(settings).unguarded(), bytesLimit, itemsLimit, ageLimit);
  }

  @Override
  public String toString() {
    return "MemoryEngine(location=" + settings.location() + ")";
  }
}
