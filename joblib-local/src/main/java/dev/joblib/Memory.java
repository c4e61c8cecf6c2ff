package dev.joblib;

import dev.joblib.internal.memory.MemoryEngine;
import dev.joblib.internal.store.StoreRegistry;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Transparent disk caching of function results (joblib's {@code Memory}): a cached function
 * computes each distinct call once and afterwards loads the stored result, in this JVM, in later
 * runs, and in every worker sharing the location.
 *
 * <pre>{@code
 * Memory memory = Memory.at(Path.of("/tmp/cache"));     // or "s3://bucket/cache", "hdfs://nn/c"
 * MemorizedFn1<Params, Model> fit = memory.cache(Trainer::fit);
 * Model m = fit.apply(params);                            // computed once, then loaded
 * }</pre>
 *
 * <p>A call's key is the function's identity (its class and method), a hash of the method's
 * bytecode (so an edited function recomputes instead of returning stale results; the old results
 * are cleared), the values it captures, and {@link Joblib#hash(Object)} of its arguments. Results
 * are stored with {@link Joblib#dump(Object, java.io.OutputStream, DumpOptions)} under {@code
 * <location>/joblib/<package.Class>/<method>/<argsHash>/} next to a {@code metadata.json},
 * published atomically so concurrent threads, processes and machines never see a partial entry.
 * Trouble with the store (unreadable, corrupt or truncated entries, a failing disk or server) is
 * logged as a warning and costs a recomputation, never a wrong value or a failed call.
 *
 * <p>Entries of a store other than a private local directory (S3, HDFS, a directory others can
 * write to) load in safe mode with no setting: only JDK value and collection types and the packages
 * of the cached function's class and declared types are deserialized, so a writer of the bucket
 * cannot plant a gadget chain; an entry holding anything else is refused and recomputed. Widen it
 * with {@link Builder#allow(String...)}, or sign the entries ({@link Builder#signingKey(byte[])}).
 * See docs/persistence.md.
 *
 * <p>Immutable, thread-safe and serializable. Stores are chosen by the location's URI scheme
 * ({@code file} built in; others through {@link dev.joblib.spi.StoreBackendProvider}).
 *
 * @since 0.1
 */
public final class Memory implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern URI_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");
  private static final Memory NONE = new Builder().build();

  /** The memo engine; every call goes through it. */
  private final MemoryEngine engine;

  private Memory(MemoryEngine engine) {
    this.engine = engine;
  }

  /**
   * Returns a Memory on a local directory with the default settings (no compression, verbose 0).
   *
   * @param location the directory (created on the first write), or null for a Memory that caches
   *     nothing
   * @return the Memory
   */
  public static Memory at(Path location) {
    return location == null ? NONE : builder().location(location).build();
  }

  /**
   * Returns a Memory on a location given as text: a URI with a scheme ({@code s3://bucket/cache},
   * {@code hdfs://nn:8020/cache}, {@code file:///tmp/cache}) or a local path.
   *
   * @param location the location, or null for a Memory that caches nothing
   * @return the Memory
   * @throws IllegalArgumentException if the location is malformed or no store handles its scheme
   * @throws IllegalStateException if the store's library is not on the class path (the message
   *     names the artifacts to add)
   */
  public static Memory at(String location) {
    return location == null ? NONE : builder().location(location).build();
  }

  /**
   * Returns a Memory on a location given as a URI.
   *
   * @param location an absolute URI with a scheme, or null for a Memory that caches nothing
   * @return the Memory
   * @throws IllegalArgumentException if no store handles the URI's scheme
   * @throws IllegalStateException if the store's library is not on the class path (the message
   *     names the artifacts to add)
   */
  public static Memory at(URI location) {
    return location == null ? NONE : builder().location(location).build();
  }

  /**
   * Returns a builder for the other settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the location, or empty for a Memory that caches nothing.
   *
   * @return the location as a URI
   */
  public Optional<URI> location() {
    return Optional.ofNullable(engine.location()).map(URI::create);
  }

  /**
   * Caches a function of no arguments.
   *
   * @param fn the function, never null; a lambda or method reference is identified by its declaring
   *     class and method
   * @param <R> the result type
   * @return the memoised function
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <R> MemorizedFn0<R> cache(Fn0<R> fn) {
    return engine.cache(Check.notNull(fn, "fn"));
  }

  /**
   * Caches a function of one argument.
   *
   * @param fn the function, never null
   * @param <A> the argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, R> MemorizedFn1<A, R> cache(Fn1<A, R> fn) {
    return engine.cache(Check.notNull(fn, "fn"));
  }

  /**
   * Caches a function of two arguments.
   *
   * @param fn the function, never null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, R> MemorizedFn2<A, B, R> cache(Fn2<A, B, R> fn) {
    return engine.cache(Check.notNull(fn, "fn"));
  }

  /**
   * Caches a function of three arguments.
   *
   * @param fn the function, never null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, C, R> MemorizedFn3<A, B, C, R> cache(Fn3<A, B, C, R> fn) {
    return engine.cache(Check.notNull(fn, "fn"));
  }

  /**
   * Caches a function of four arguments.
   *
   * @param fn the function, never null
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <D> the fourth argument type
   * @param <R> the result type
   * @return the memoised function
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  public <A, B, C, D, R> MemorizedFn4<A, B, C, D, R> cache(Fn4<A, B, C, D, R> fn) {
    return engine.cache(Check.notNull(fn, "fn"));
  }

  /**
   * Deletes every stored result of every function (joblib's {@code Memory.clear}). Does nothing for
   * a Memory that caches nothing.
   *
   * @throws java.io.UncheckedIOException if the store cannot delete them
   */
  public void clear() {
    engine.clear();
  }

  /**
   * Deletes the least recently used results until the store holds at most {@code bytesLimit} bytes
   * and {@code itemsLimit} results, and deletes every result not used within {@code ageLimit}
   * (joblib's {@code reduce_size}). A null limit does not apply; all three null do nothing.
   *
   * @param bytesLimit the most bytes to keep, or null
   * @param itemsLimit the most results to keep, or null
   * @param ageLimit the longest time a result may stay unused, or null
   * @return how many results were deleted
   * @throws IllegalArgumentException if a limit is negative
   * @throws java.io.UncheckedIOException if the store cannot be listed or an entry not deleted
   */
  public int reduceSize(Long bytesLimit, Integer itemsLimit, Duration ageLimit) {
    if (bytesLimit != null && bytesLimit < 0) {
      throw new IllegalArgumentException("bytesLimit must be 0 or more, got " + bytesLimit);
    }
    if (itemsLimit != null && itemsLimit < 0) {
      throw new IllegalArgumentException("itemsLimit must be 0 or more, got " + itemsLimit);
    }
    if (ageLimit != null && ageLimit.isNegative()) {
      throw new IllegalArgumentException("ageLimit must not be negative, got " + ageLimit);
    }
    return engine.reduceSize(
        bytesLimit, itemsLimit == null ? null : itemsLimit.longValue(), ageLimit);
  }

  @Override
  public String toString() {
    return "Memory(location=" + engine.location() + ")";
  }

  /**
   * Builds a {@link Memory}. Each setting may be set once.
   *
   * <pre>{@code
   * Memory memory = Memory.builder()
   *     .location("s3://bucket/cache")
   *     .compression(Compression.zstd(3))
   *     .maxBytes(10L << 30)
   *     .verbose(1)
   *     .build();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private URI location;
    private boolean locationSet;
    private Compression compression;
    private Integer verbose;
    private Boolean mmap;
    private byte[] signingKey;
    private Long maxBytes;
    private final Map<String, String> storeOptions = new LinkedHashMap<>();
    private List<String> allowed = List.of();

    private Builder() {}

    private static void once(boolean alreadySet, String name) {
      if (alreadySet) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * Sets a local directory as the location.
     *
     * @param location the directory, or null to cache nothing
     * @return this builder
     * @throws IllegalStateException if the location was already set
     */
    public Builder location(Path location) {
      once(locationSet, "location");
      locationSet = true;
      this.location = location == null ? null : location.toAbsolutePath().normalize().toUri();
      return this;
    }

    /**
     * Sets the location as text: a URI with a scheme or a local path.
     *
     * @param location the location, or null to cache nothing
     * @return this builder
     * @throws IllegalStateException if the location was already set
     * @throws IllegalArgumentException if it is a malformed URI
     */
    public Builder location(String location) {
      if (location == null) {
        return location((Path) null);
      }
      if (location.isBlank()) {
        throw new IllegalArgumentException("location must not be blank, got '" + location + "'");
      }
      if (URI_LIKE.matcher(location).matches() && !location.matches("^[A-Za-z]:[\\\\/].*")) {
        return location(URI.create(location));
      }
      return location(Path.of(location));
    }

    /**
     * Sets the location as a URI.
     *
     * @param location an absolute URI with a scheme, or null to cache nothing
     * @return this builder
     * @throws IllegalStateException if the location was already set
     * @throws IllegalArgumentException if the URI has no scheme
     */
    public Builder location(URI location) {
      if (location != null && location.getScheme() == null) {
        throw new IllegalArgumentException(
            "location must have a scheme (file:, hdfs:, s3:...), got '" + location + "'");
      }
      if (location != null && "file".equalsIgnoreCase(location.getScheme())) {
        return location(Path.of(location));
      }
      once(locationSet, "location");
      locationSet = true;
      this.location = location;
      return this;
    }

    /**
     * Sets how results are compressed (default none).
     *
     * @param compression the compression, never null
     * @return this builder
     * @throws NullPointerException if {@code compression} is null
     * @throws IllegalStateException if it was already set
     */
    public Builder compression(Compression compression) {
      once(this.compression != null, "compression");
      this.compression = Objects.requireNonNull(compression, "compression must not be null");
      return this;
    }

    /**
     * Sets joblib's verbosity: 0 silent (the default), 1 prints each computation, 2 also each load.
     *
     * @param verbose 0 or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if it was already set
     */
    public Builder verbose(int verbose) {
      once(this.verbose != null, "verbose");
      this.verbose = Check.verbose(verbose);
      return this;
    }

    /**
     * Sets whether large primitive arrays in results are memory-mapped when loaded from a local
     * store (joblib's {@code mmap_mode="r"}); needs uncompressed results.
     *
     * @param mmap whether to map
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder mmap(boolean mmap) {
      once(this.mmap != null, "mmap");
      this.mmap = mmap;
      return this;
    }

    /**
     * Signs every stored result with HMAC-SHA256 under this key and refuses (recomputes) results
     * whose signature does not match, so a shared store cannot feed this JVM forged objects. The
     * signature covers the entry's function, argument hash, code hash and {@code metadata.json}
     * too: a signed result copied under another key, or with edited metadata, is refused.
     *
     * @param key the key, at least 16 bytes
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if it is shorter than 16 bytes
     * @throws IllegalStateException if it was already set
     */
    public Builder signingKey(byte[] key) {
      once(this.signingKey != null, "signingKey");
      Objects.requireNonNull(key, "signingKey must not be null");
      if (key.length < 16) {
        throw new IllegalArgumentException(
            "signingKey must have at least 16 bytes, got " + key.length);
      }
      this.signingKey = key.clone();
      return this;
    }

    /**
     * Widens what results loaded from a shared store may hold. Unless the location is a private
     * local directory or the Memory is signed, entries load in safe mode ({@link
     * LoadOptions#safe(java.lang.reflect.Type...)}): the JDK's value and collection types, and the
     * packages of the cached function's class and declared types. Name here the other classes your
     * results hold (such as the implementations behind an interface-typed result); see
     * docs/persistence.md.
     *
     * @param patterns class patterns as {@link LoadOptions#allow(String...)} takes: {@code
     *     com.acme.Model}, {@code com.acme.*} or {@code com.acme.**}
     * @return this builder
     * @throws IllegalArgumentException if a pattern is malformed or none is given
     * @throws IllegalStateException if it was already set
     * @since 0.1
     */
    public Builder allow(String... patterns) {
      once(!this.allowed.isEmpty(), "allow");
      this.allowed = LoadOptions.allow(patterns).allowed();
      return this;
    }

    /**
     * Keeps the store under a size: after each new result is written, the least recently used
     * results are deleted until at most {@code maxBytes} remain (one listing of the store per
     * write).
     *
     * @param maxBytes the most bytes to keep, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder maxBytes(long maxBytes) {
      once(this.maxBytes != null, "maxBytes");
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Sets an option of the store (an S3 endpoint, a Hadoop setting...); see the store's
     * documentation for the names. {@link #build()} refuses a name the store does not know.
     *
     * @param name the option's name, never null
     * @param value its value, never null
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     * @throws IllegalStateException if this option was already set
     */
    public Builder storeOption(String name, String value) {
      Objects.requireNonNull(name, "store option name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException(
            "store option name must not be blank, got '" + name + "'");
      }
      Objects.requireNonNull(value, "store option '" + name + "' must not have a null value");
      once(storeOptions.containsKey(name), "store option '" + name + "'");
      storeOptions.put(name, value);
      return this;
    }

    /**
     * Builds the Memory.
     *
     * @return the Memory
     * @throws IllegalStateException if settings conflict (mmap with compression; options or
     *     maxBytes without a location), or the store's library is not on the class path (the
     *     message names the artifacts to add)
     * @throws IllegalArgumentException if no store handles the location's scheme, or a store option
     *     is not one the store knows or its value is not valid (the message names the store's
     *     options)
     */
    public Memory build() {
      Compression c = compression == null ? Compression.none() : compression;
      boolean map = mmap != null && mmap;
      if (map && !c.isNone()) {
        throw new IllegalStateException(
            "mmap(true) needs uncompressed results, but compression is " + c);
      }
      if (location == null && (maxBytes != null || !storeOptions.isEmpty())) {
        throw new IllegalStateException(
            "maxBytes and store options need a location; this Memory caches nothing");
      }
      if (location != null) {
        // a configuration mistake fails now, not as a Memory that never caches: an unknown scheme
        // (naming the schemes available), a missing library (naming its artifacts), an unknown
        // or invalid store option (naming the known ones)
        StoreRegistry.check(location, storeOptions);
      }
      return new Memory(
          MemoryEngine.create(
              location == null ? null : location.toString(),
              c,
              signingKey,
              map,
              verbose == null ? 0 : verbose,
              maxBytes == null ? -1 : maxBytes,
              storeOptions,
              allowed));
    }
  }
}
