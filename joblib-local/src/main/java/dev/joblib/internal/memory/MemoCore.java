package dev.joblib.internal.memory;

import dev.joblib.CacheMetadata;
import dev.joblib.CacheValidation;
import dev.joblib.Compression;
import dev.joblib.DumpOptions;
import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.MemorizedResult;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoredEntry;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The engine behind every memoised function: key derivation, the code check, lookup with validation
 * and self-healing of corrupt entries, single-flight computation, storing and eviction. Immutable
 * and serializable; the store is reopened where it runs.
 */
final class MemoCore implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");
  private static final String IGNORED = "<ignored by Memory.cache>";
  private static final int SMALL_OUTPUT = 1 << 20;

  /** Per store and function, the code hash already checked against the store in this JVM. */
  private static final ConcurrentHashMap<String, String> CHECKED_CODE = new ConcurrentHashMap<>();

  /** The calls being computed in this JVM, by store and key (single flight). */
  private static final ConcurrentHashMap<String, CompletableFuture<Object>> FLIGHTS =
      new ConcurrentHashMap<>();

  /** A sentinel for "present" when the value is not loaded. */
  static final Object NOT_LOADED = new Object();

  /** Computes the wrapped function. */
  interface Compute {
    Object run() throws Exception;
  }

  final MemorySettings settings;
  final FunctionIdentity identity;
  final int arity;
  private final int[] ignored;
  private final CacheValidation validation;
  private transient volatile GuardedStore store;
  private transient volatile boolean storeFailed;
  private transient volatile String checkedKey;
  private transient volatile LoadOptions loadOptions;

  private static final long TOUCH_INTERVAL_NANOS = 1_000_000_000L;

  MemoCore(
      MemorySettings settings,
      FunctionIdentity identity,
      int arity,
      int[] ignored,
      CacheValidation validation) {
    this.settings = settings;
    this.identity = identity;
    this.arity = arity;
    this.ignored = ignored;
    this.validation = validation;
  }

  MemoCore withIgnored(int... positions) {
    Objects.requireNonNull(positions, "positions must not be null");
    int[] sorted = positions.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= arity) {
        throw new IllegalArgumentException(
            "ignore: position "
                + sorted[i]
                + " does not exist for "
                + identity.displayName()
                + ", which takes "
                + arity
                + " argument(s) (positions 0 to "
                + (arity - 1)
                + ")");
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("ignore: position " + sorted[i] + " given twice");
      }
    }
    return new MemoCore(settings, identity, arity, sorted, validation);
  }

  MemoCore withValidation(CacheValidation validation) {
    Objects.requireNonNull(validation, "validation must not be null");
    return new MemoCore(settings, identity, arity, ignored, validation);
  }

  MemoCore withVersion(String version) {
    Objects.requireNonNull(version, "version must not be null");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank, got '" + version + "'");
    }
    return new MemoCore(settings, identity.withVersion(version), arity, ignored, validation);
  }

  private boolean enabled() {
    return settings.location() != null;
  }

  // ---- keys ----

  EntryKey key(Object[] args) {
    List<Object> parts = new ArrayList<>(arity + 2);
    parts.add(identity.codeHash());
    parts.add(identity.capturedHash());
    for (int i = 0; i < args.length; i++) {
      parts.add(Arrays.binarySearch(ignored, i) >= 0 ? IGNORED : args[i]);
    }
    String argsId;
    try {
      argsId = Joblib.hash(parts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot hash the arguments of "
              + identity.displayName()
              + " to build its cache key (ignore the argument with ignore(position) or make it"
              + " hashable): "
              + e.getMessage(),
          e);
    }
    return new EntryKey(identity.functionId(), argsId);
  }

  // ---- the call ----

  Object call(Object[] args, Compute compute) throws Exception {
    return obtain(args, compute, true);
  }

  /**
   * Returns the cached value (or {@link #NOT_LOADED} on a hit when {@code load} is false), or
   * computes, stores and returns it.
   */
  private Object obtain(Object[] args, Compute compute, boolean load) throws Exception {
    if (!enabled()) {
      return compute.run();
    }
    EntryKey key = key(args);
    GuardedStore s = store();
    if (s == null) {
      return compute.run();
    }
    checkCode(s);
    Object firstHit = lookup(s, key, load);
    if (firstHit != null) {
      return unwrap(firstHit);
    }
    String flightKey = settings.storeId() + "|" + key;
    while (true) {
      Object hit = lookup(s, key, load);
      if (hit != null) {
        return unwrap(hit);
      }
      CompletableFuture<Object> mine = new CompletableFuture<>();
      CompletableFuture<Object> running = FLIGHTS.putIfAbsent(flightKey, mine);
      if (running != null) {
        Object leaderValue;
        try {
          leaderValue = running.get();
        } catch (ExecutionException e) {
          continue; // the leader failed: failures are not cached, so compute it ourselves
        }
        Object again = lookup(s, key, load);
        return again != null ? unwrap(again) : leaderValue;
      }
      try {
        Object again = lookup(s, key, load); // another JVM may have published it meanwhile
        Object value = again != null ? unwrap(again) : computeAndStore(s, key, args, compute);
        mine.complete(value);
        return value;
      } catch (Throwable t) {
        mine.completeExceptionally(t);
        throw t;
      } finally {
        FLIGHTS.remove(flightKey, mine);
      }
    }
  }

  boolean isCached(Object[] args) {
    if (!enabled()) {
      return false;
    }
    EntryKey key = key(args);
    GuardedStore s = store();
    if (s == null) {
      return false;
    }
    checkCode(s);
    return lookup(s, key, false) != null;
  }

  MemorizedResult<Object> callAndShelve(Object[] args, Compute compute) throws Exception {
    if (!enabled()) {
      return new ShelvedResult<>(null, identity.functionId(), "0".repeat(32), compute.run(), true);
    }
    EntryKey key = key(args);
    Object value = obtain(args, compute, false);
    GuardedStore s = store();
    boolean stored = value == NOT_LOADED || (s != null && s.get(key).isPresent());
    return stored
        ? new ShelvedResult<>(settings, key.functionId(), key.argsId(), null, false)
        : new ShelvedResult<>(settings, key.functionId(), key.argsId(), value, true);
  }

  void clear() {
    if (!enabled()) {
      return;
    }
    Stores.open(settings).unguarded().deleteFunction(identity.functionId());
    CHECKED_CODE.remove(settings.storeId() + "|" + identity.functionId());
  }

  /** Forgets which functions this JVM has checked (after {@code Memory.clear}). */
  static void forgetCheckedCode(MemorySettings settings) {
    CHECKED_CODE.keySet().removeIf(k -> k.startsWith(settings.storeId() + "|"));
  }

  private GuardedStore store() {
    GuardedStore s = store;
    if (s == null && !storeFailed) {
      try {
        s = Stores.open(settings);
        store = s;
      } catch (RuntimeException e) {
        storeFailed = true;
        GuardedStore.warn(
            "cannot open the cache at "
                + settings.location()
                + "; "
                + identity.displayName()
                + " runs without caching",
            e);
      }
    }
    return s;
  }

  /** Compares the function's code hash with the store's (once per JVM); clears stale results. */
  private void checkCode(GuardedStore s) {
    String checkedKey = this.checkedKey;
    if (checkedKey == null) {
      checkedKey = settings.storeId() + "|" + identity.functionId();
      this.checkedKey = checkedKey;
    }
    String codeHash = identity.codeHash();
    if (codeHash.equals(CHECKED_CODE.get(checkedKey))) {
      return;
    }
    synchronized (CHECKED_CODE) {
      if (codeHash.equals(CHECKED_CODE.get(checkedKey))) {
        return;
      }
      String stored = null;
      Optional<byte[]> info = s.getFunctionInfo(identity.functionId());
      if (info.isPresent()) {
        try {
          stored = MetadataCodec.codeHashOf(info.get());
        } catch (IllegalArgumentException e) {
          GuardedStore.warn("func_code.json of " + identity.functionId() + " is unreadable", e);
        }
      }
      if (stored != null && !stored.equals(codeHash)) {
        LOG.log(
            Level.INFO,
            "[Memory] Function {0} ({1}) has changed (code {2} -> {3}): clearing its cached results"
                + " in {4}",
            identity.displayName(),
            identity.functionId(),
            stored,
            codeHash,
            settings.location());
        s.deleteFunction(identity.functionId());
      }
      if (!codeHash.equals(stored)) {
        s.putFunctionInfo(
            identity.functionId(),
            MetadataCodec.encodeFunctionInfo(identity.functionId(), codeHash));
      }
      CHECKED_CODE.put(checkedKey, codeHash);
    }
  }

  /** A loaded value, boxed so that a cached null is told apart from a miss. */
  private record Hit(Object value) {}

  private static Object unwrap(Object hit) {
    return hit instanceof Hit h ? h.value() : hit;
  }

  /** Returns a {@link Hit}, {@link #NOT_LOADED} when present but not loaded, or null on a miss. */
  private Object lookup(GuardedStore s, EntryKey key, boolean load) {
    Optional<StoredEntry> found = s.get(key);
    if (found.isEmpty()) {
      return null;
    }
    StoredEntry entry = found.get();
    if (validation != null && !isValid(s, entry)) {
      return null;
    }
    if (!load) {
      return NOT_LOADED;
    }
    Object value;
    try {
      value = load(entry, settings, loadOptions());
    } catch (RuntimeException | LinkageError e) {
      GuardedStore.warn(
          "Exception while loading results for "
              + identity.displayName()
              + " (entry "
              + key
              + " in "
              + settings.location()
              + "); deleting the entry and computing again",
          e);
      s.delete(key);
      return null;
    }
    touch(s, key);
    if (settings.verbose() > 1) {
      CallText.out().println("[Memory] Loading " + identity.displayName() + " from cache " + key);
    }
    return new Hit(value);
  }

  /** Records the access, at most once per second per entry from this JVM. */
  private void touch(GuardedStore s, EntryKey key) {
    long now = System.nanoTime();
    ConcurrentHashMap<EntryKey, Long> touched = s.touched();
    Long last = touched.get(key);
    if (last != null && now - last < TOUCH_INTERVAL_NANOS) {
      return;
    }
    if (touched.size() > 100_000) {
      touched.clear();
    }
    touched.put(key, now);
    s.touch(key, Instant.now());
  }

  private LoadOptions loadOptions() {
    LoadOptions options = loadOptions;
    if (options == null) {
      options = loadOptions(settings);
      loadOptions = options;
    }
    return options;
  }

  private boolean isValid(GuardedStore s, StoredEntry entry) {
    CacheMetadata metadata;
    try {
      metadata =
          MetadataCodec.decode(
              entry
                  .readMetadata()
                  .orElseThrow(() -> new IllegalArgumentException("metadata.json is missing")));
    } catch (RuntimeException e) {
      GuardedStore.warn(
          "the metadata of cache entry " + entry.key() + " is unreadable; computing again", e);
      s.delete(entry.key());
      return false;
    }
    if (validation.isValid(metadata)) {
      return true;
    }
    LOG.log(
        Level.DEBUG,
        "[Memory] cache entry {0} rejected by its validation; computing again",
        entry.key());
    s.delete(entry.key());
    return false;
  }

  static Object load(StoredEntry entry, MemorySettings settings, LoadOptions options) {
    if (settings.mmap() || settings.signed()) {
      // a file is mapped, and a signature checked in place rather than through a temporary copy
      Optional<Path> file = entry.localOutputFile();
      if (file.isPresent()) {
        return Joblib.load(file.get(), options);
      }
    }
    if (entry.outputSize() <= SMALL_OUTPUT) {
      return Joblib.load(new ByteArrayInputStream(entry.readOutput()), options);
    }
    try (InputStream in = new BufferedInputStream(entry.openOutput(), 1 << 16)) {
      return Joblib.load(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close cache entry " + entry.key(), e);
    }
  }

  private Object computeAndStore(GuardedStore s, EntryKey key, Object[] args, Compute compute)
      throws Exception {
    if (settings.verbose() > 0) {
      CallText.out().println("_".repeat(80));
      CallText.out().println("[Memory] Calling " + identity.functionId().replace('/', '.') + "...");
      CallText.out().println(CallText.call(identity, args));
    }
    long start = System.nanoTime();
    Object value = compute.run();
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    Instant time = Instant.now();
    if (settings.verbose() > 0) {
      double seconds = duration.toNanos() / 1e9;
      String tail =
          String.format("%s - %.1fs, %.1fmin", identity.displayName(), seconds, seconds / 60.0);
      CallText.out().println("_".repeat(Math.max(0, 80 - tail.length())) + tail);
    }
    store(s, key, args, value, time, duration);
    return value;
  }

  private void store(
      GuardedStore s, EntryKey key, Object[] args, Object value, Instant time, Duration duration) {
    Buffer output = new Buffer();
    try {
      Joblib.dump(value, output, dumpOptions(settings));
    } catch (RuntimeException e) {
      GuardedStore.warn(
          "unable to cache the result of "
              + identity.displayName()
              + ": it cannot be written; the computed value is returned",
          e);
      return;
    }
    byte[] metadata =
        MetadataCodec.encode(
            new CacheMetadata(
                key.functionId(),
                key.argsId(),
                time,
                duration,
                CallText.summaries(identity, args),
                output.size(),
                identity.codeHash()));
    boolean published = s.publish(key, output.writer(), metadata);
    if (published && settings.maxBytes() > 0) {
      try {
        Eviction.reduce(s.unguarded(), settings.maxBytes(), null, null);
      } catch (RuntimeException e) {
        GuardedStore.warn("cannot evict entries to keep " + settings.location() + " small", e);
      }
    }
  }

  static DumpOptions dumpOptions(MemorySettings settings) {
    DumpOptions options =
        DumpOptions.defaults()
            .withCompression(Compression.of(settings.compression(), settings.compressionLevel()));
    return settings.signed() ? options.withSignature(settings.signingKey()) : options;
  }

  static LoadOptions loadOptions(MemorySettings settings) {
    // a cache entry may have been damaged in the store: check even the blocks handed out mapped
    LoadOptions options =
        LoadOptions.defaults().withMmap(settings.mmap()).withMappedChecksums(true);
    return settings.signed() ? options.withVerification(settings.signingKey()) : options;
  }

  /** A byte buffer written out without a copy. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(4096);
    }

    /** A writer of the bytes written so far, without a copy. */
    EntryWriter writer() {
      return EntryWriter.of(buf, 0, count);
    }
  }
}
