package dev.joblib;

import dev.joblib.internal.CpuCount;
import dev.joblib.internal.hash.ObjectHasher;
import dev.joblib.internal.io.CompressorRegistry;
import dev.joblib.internal.io.LoadFilter;
import dev.joblib.internal.io.Persistence;
import dev.joblib.internal.io.ReadConfig;
import dev.joblib.internal.parallel.CallPlanner;
import dev.joblib.internal.parallel.Settings;
import dev.joblib.spi.Compressor;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * joblib's top-level functions: {@code delayed}, {@code cpu_count} and {@code effective_n_jobs}.
 *
 * <pre>{@code
 * import static dev.joblib.Joblib.delayed;
 *
 * List<Double> roots = Parallel.create().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 * }</pre>
 *
 * @since 0.1
 */
public final class Joblib {
  private Joblib() {}

  /**
   * Delays a call of a function without arguments.
   *
   * @param fn the function, never null
   * @param <R> its result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <R> Task<R> delayed(Fn0<R> fn) {
    return Task.of(Check.notNull(fn, "fn"));
  }

  /**
   * Delays a call of a function with one argument.
   *
   * @param fn the function, never null
   * @param a the argument
   * @param <A> the argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, R> Task<R> delayed(Fn1<A, R> fn, A a) {
    return Task.of(Check.notNull(fn, "fn"), a);
  }

  /**
   * Delays a call of a function with two arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, R> Task<R> delayed(Fn2<A, B, R> fn, A a, B b) {
    return Task.of(Check.notNull(fn, "fn"), a, b);
  }

  /**
   * Delays a call of a function with three arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, C, R> Task<R> delayed(Fn3<A, B, C, R> fn, A a, B b, C c) {
    return Task.of(Check.notNull(fn, "fn"), a, b, c);
  }

  /**
   * Delays a call of a function with four arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param d the fourth argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <D> the fourth argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, C, D, R> Task<R> delayed(Fn4<A, B, C, D, R> fn, A a, B b, C c, D d) {
    return Task.of(Check.notNull(fn, "fn"), a, b, c, d);
  }

  /**
   * Returns the number of CPUs this JVM may use: the JVM's count (which follows cgroup quotas, CPU
   * affinity and {@code -XX:ActiveProcessorCount}), capped by the {@code JOBLIB_MAX_CPU_COUNT}
   * environment variable.
   *
   * @return at least 1
   */
  public static int cpuCount() {
    return CpuCount.logical();
  }

  /**
   * Returns the number of CPUs, or of physical cores.
   *
   * @param onlyPhysicalCores whether to count physical cores rather than hardware threads (falls
   *     back to the logical count where the core layout cannot be read)
   * @return at least 1
   */
  public static int cpuCount(boolean onlyPhysicalCores) {
    return onlyPhysicalCores ? CpuCount.physical() : CpuCount.logical();
  }

  /**
   * Returns the number of workers a {@code Parallel.create().nJobs(nJobs)} call made here would get
   * (joblib's {@code effective_n_jobs}): 1 for 1; else resolved by the backend of the innermost
   * open {@link ParallelConfig} scope, or the default one, as a call would: on the local backends
   * {@code nJobs} itself when positive and {@code max(cpuCount() + 1 + nJobs, 1)} when negative, 1
   * on {@code sequential}; cluster backends count their cores. Inside a task it is what a call
   * there gets: 1 where nested calls run sequentially, at most the scope's {@code
   * innerMaxNumThreads} where they run on threads. A backend named by id is created to answer (a
   * cluster backend may connect to its cluster) and closed again.
   *
   * @param nJobs positive or negative
   * @return at least 1
   * @throws IllegalArgumentException if {@code nJobs} is 0, or the scope's settings conflict
   * @throws UnknownBackendException if the scope names a backend that no provider has
   */
  public static int effectiveNJobs(int nJobs) {
    return CallPlanner.effectiveNJobs(
        Settings.EMPTY.withNJobs(Check.nJobs(nJobs)), ParallelConfig.current());
  }

  /**
   * Hashes a value with XXH3-128 (joblib's {@code hash}): 32 lowercase hex characters, identical
   * across JVM runs, versions, machines and operating systems.
   *
   * <p>The hash covers a canonical, type-tagged encoding: {@code 1}, {@code 1L}, {@code 1.0} and
   * {@code "1"} differ; lists are ordered; sets and maps are not ({@code HashMap} and {@code
   * LinkedHashMap} with the same entries hash equal); records and {@code Serializable} objects are
   * hashed by their non-transient fields, inherited ones included; enums by name; cycles are
   * allowed. Primitive arrays are hashed in bulk at memory speed. See docs/persistence.md for the
   * full list.
   *
   * @param value the value, may be null
   * @return 32 hex characters
   * @throws IllegalArgumentException if the value holds something that cannot be hashed (an object
   *     that is neither {@code Serializable} nor a record, collection or supported value type),
   *     naming where it sits in the value
   */
  public static String hash(Object value) {
    return ObjectHasher.hash(value, false);
  }

  /**
   * Hashes a value with the given algorithm; see {@link #hash(Object)} for what is covered.
   *
   * @param value the value, may be null
   * @param algorithm the digest, never null
   * @return 32 hex characters for {@link HashAlgorithm#XXH3_128}, 64 for {@link
   *     HashAlgorithm#SHA_256}
   * @throws NullPointerException if {@code algorithm} is null
   * @throws IllegalArgumentException if the value holds something that cannot be hashed
   */
  public static String hash(Object value, HashAlgorithm algorithm) {
    Check.notNull(algorithm, "algorithm");
    return ObjectHasher.hash(value, algorithm == HashAlgorithm.SHA_256);
  }

  /**
   * Writes a value to a file (joblib's {@code dump}), compressed as its name says: {@code .z} zlib,
   * {@code .gz} gzip, {@code .xz} xz, {@code .lz4} lz4, {@code .zst} zstd, each at its default
   * level; other names are written uncompressed. See {@link #dump(Object, Path, DumpOptions)}.
   *
   * @param value the value: {@code Serializable}, a primitive array or a primitive {@link
   *     java.nio.Buffer}, or null
   * @param path the file, replaced if it exists
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalArgumentException if the name ends with {@code .bz2} or {@code .lzma} and no
   *     compressor is registered under {@code "bz2"} or {@code "lzma"}
   * @throws PersistenceException if the value cannot be serialized or the file cannot be written
   */
  public static void dump(Object value, Path path) {
    dump(value, path, DumpOptions.defaults());
  }

  /**
   * Writes a value to a file with compression, whatever its name ({@link Compression#none()} writes
   * it uncompressed).
   *
   * @param value the value
   * @param path the file, replaced if it exists
   * @param compression the compression, never null
   * @throws NullPointerException if {@code path} or {@code compression} is null
   * @throws PersistenceException if the value cannot be serialized or the file cannot be written
   */
  public static void dump(Object value, Path path, Compression compression) {
    dump(value, path, DumpOptions.defaults().withCompression(compression));
  }

  /**
   * Writes a value to a file. The object graph goes into a Java object stream; primitive arrays of
   * 1 KiB or more and all primitive buffers are written after it as raw little-endian blocks, so
   * big arrays are written at disk speed. Every section carries a CRC32C; signed dumps end with an
   * HMAC-SHA256. The file is written under a temporary name and moved into place, so a failure
   * never leaves a partial file at {@code path}. Options without a compression choose it from the
   * file name, as {@link #dump(Object, Path)} does.
   *
   * @param value the value
   * @param path the file, replaced if it exists; missing parent directories are created
   * @param options compression and signing, never null
   * @throws NullPointerException if {@code path} or {@code options} is null
   * @throws IllegalArgumentException if the options have no compression and the file name asks for
   *     one that is not registered ({@code .bz2}, {@code .lzma})
   * @throws PersistenceException if the value cannot be serialized or the file cannot be written
   */
  public static void dump(Object value, Path path, DumpOptions options) {
    Check.notNull(path, "path");
    Check.notNull(options, "options");
    Compression compression =
        options.compressionFromFileName()
            ? Compression.of(CompressorRegistry.forFileName(path))
            : options.compression();
    Persistence.dump(value, path, compression.name(), compression.level(), options.key());
  }

  /**
   * Writes a value to a stream, uncompressed; the stream is flushed, not closed.
   *
   * @param value the value
   * @param out the destination, never null
   * @throws NullPointerException if {@code out} is null
   * @throws PersistenceException if the value cannot be serialized or the stream fails
   */
  public static void dump(Object value, OutputStream out) {
    dump(value, out, DumpOptions.defaults());
  }

  /**
   * Writes a value to a stream; the stream is flushed, not closed.
   *
   * @param value the value
   * @param out the destination, never null
   * @param options compression and signing, never null
   * @throws NullPointerException if {@code out} or {@code options} is null
   * @throws PersistenceException if the value cannot be serialized or the stream fails
   */
  public static void dump(Object value, OutputStream out, DumpOptions options) {
    Check.notNull(out, "out");
    Check.notNull(options, "options");
    Persistence.dump(
        value, out, options.compression().name(), options.compression().level(), options.key());
  }

  /**
   * Reads a value written by {@code dump} (joblib's {@code load}) under the default filter. The
   * compressor is found from the file's header.
   *
   * @param path the file, never null
   * @param <T> the expected type (unchecked)
   * @return the value
   * @throws NullPointerException if {@code path} is null
   * @throws PersistenceException naming the path if the file is missing, not a dump, truncated,
   *     corrupt, or holds a class the filter refuses; no partly built value is returned
   */
  public static <T> T load(Path path) {
    return load(path, LoadOptions.defaults());
  }

  /**
   * Reads a value written by {@code dump}.
   *
   * @param path the file, never null
   * @param options mmap, filter and signature settings, never null
   * @param <T> the expected type (unchecked)
   * @return the value
   * @throws NullPointerException if {@code path} or {@code options} is null
   * @throws PersistenceException naming the path if the file is missing, not a dump, truncated,
   *     corrupt, refused by the filter, or fails the signature check required by {@code options}
   */
  @SuppressWarnings("unchecked")
  public static <T> T load(Path path, LoadOptions options) {
    Check.notNull(path, "path");
    Check.notNull(options, "options");
    return (T) Persistence.load(path, readConfig(options));
  }

  /**
   * Reads a value from a stream written by {@code dump}; the stream is not closed.
   *
   * @param in the source, never null
   * @param <T> the expected type (unchecked)
   * @return the value
   * @throws NullPointerException if {@code in} is null
   * @throws PersistenceException if the data is not a dump, truncated, corrupt or refused
   */
  public static <T> T load(InputStream in) {
    return load(in, LoadOptions.defaults());
  }

  /**
   * Reads a value from a stream written by {@code dump}; the stream is not closed. Memory-mapping
   * does not apply to streams. A signed dump to verify is copied to a temporary file first.
   *
   * @param in the source, never null
   * @param options filter and signature settings, never null
   * @param <T> the expected type (unchecked)
   * @return the value
   * @throws NullPointerException if {@code in} or {@code options} is null
   * @throws PersistenceException if the data is not a dump, truncated, corrupt, refused or fails
   *     the signature check
   */
  @SuppressWarnings("unchecked")
  public static <T> T load(InputStream in, LoadOptions options) {
    Check.notNull(in, "in");
    Check.notNull(options, "options");
    return (T) Persistence.load(in, readConfig(options));
  }

  /**
   * Returns the deserialization filter {@code load} applies, for a stream read without {@code load}
   * (a plug-in's staged results, an application's own {@link java.io.ObjectInputStream}): known
   * deserialization gadget classes (and relocated copies of them) and proxies are refused, depth,
   * references and array lengths are bounded by {@code options}, and with an allow-list only the
   * listed classes and the JDK's value and collection types pass. A JVM-wide filter ({@code
   * jdk.serialFilter}) is applied too.
   *
   * @param options the allow-list and limits; {@link LoadOptions#defaults()} for the deny-list
   *     alone
   * @return a new filter, to use for one stream
   * @throws NullPointerException if {@code options} is null
   */
  public static ObjectInputFilter loadFilter(LoadOptions options) {
    Check.notNull(options, "options");
    return new LoadFilter(
        options.allowed(), options.maxDepth(), options.maxReferences(), options.maxArrayLength());
  }

  private static ReadConfig readConfig(LoadOptions o) {
    return new ReadConfig(
        o.isMmap(),
        o.checksMapped(),
        o.allowed(),
        o.key(),
        o.maxDepth(),
        o.maxReferences(),
        o.maxArrayLength(),
        o.maxDecompressedBytes());
  }

  /**
   * Registers a compressor under a name (joblib's {@code register_compressor}), for {@link
   * Compression#of(String, int)} and for loading dumps that name it.
   *
   * @param name 1 to 32 characters of {@code [a-z0-9_-]}, not {@code "none"}
   * @param compressor the compressor, never null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is malformed or already registered, or the
   *     compressor's levels are inconsistent
   */
  public static void registerCompressor(String name, Compressor compressor) {
    CompressorRegistry.register(name, compressor, false);
  }

  /**
   * Registers a compressor under a name, replacing one registered under it if {@code force}.
   *
   * @param name 1 to 32 characters of {@code [a-z0-9_-]}, not {@code "none"}
   * @param compressor the compressor, never null
   * @param force whether to replace an existing registration
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is malformed, or already registered and {@code
   *     force} is false
   */
  public static void registerCompressor(String name, Compressor compressor, boolean force) {
    CompressorRegistry.register(name, compressor, force);
  }
}
