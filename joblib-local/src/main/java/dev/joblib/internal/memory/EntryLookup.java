package dev.joblib.internal.memory;

import dev.joblib.CacheMetadata;
import dev.joblib.CacheValidation;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoredEntry;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a call's entry and makes sure it is good: an entry the validation rejects, whose metadata
 * is unreadable or whose output is damaged is deleted and counts as a miss, so the call is computed
 * again (self-healing). An entry that cannot be read here for a reason outside it ({@link
 * ReadFailures}) counts as a miss too but is kept. A hit records the access.
 */
final class EntryLookup {
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");
  private static final long TOUCH_INTERVAL_NANOS = 1_000_000_000L;

  /** The value of a hit that was asked for presence only. */
  static final Object NOT_LOADED = new Object();

  private static final Hit PRESENT = new Hit(NOT_LOADED);

  /**
   * A found entry's value, or {@link #NOT_LOADED}; boxed so that a cached null is told apart from a
   * miss.
   */
  record Hit(Object value) {}

  private final MemorySettings settings;
  private final FunctionIdentity identity;
  private final CacheValidation validation;
  private final EntryReader reader;
  private final Set<EntryKey> keptWarned = ConcurrentHashMap.newKeySet();

  EntryLookup(MemorySettings settings, FunctionIdentity identity, CacheValidation validation) {
    this.settings = settings;
    this.identity = identity;
    this.validation = validation;
    this.reader = new EntryReader(settings, identity);
  }

  /**
   * Looks the entry up.
   *
   * @param load whether to load the value, or only tell whether a good entry is there
   * @return the hit, or null on a miss
   */
  Hit find(GuardedStore s, EntryKey key, boolean load) {
    Optional<StoredEntry> found = s.get(key);
    if (found.isEmpty()) {
      return null;
    }
    StoredEntry entry = found.get();
    if (validation != null && !isValid(s, entry)) {
      return null;
    }
    if (!load) {
      return PRESENT;
    }
    Object value;
    try {
      value = reader.read(entry);
    } catch (RuntimeException | LinkageError | OutOfMemoryError | StackOverflowError e) {
      // the errors: a corrupt entry whose object graph allocates what its bytes declare (in a
      // class's own readObject, out of the load filter's sight); the partial value is garbage now
      unreadable(s, key, e);
      return null;
    }
    touch(s, key);
    if (settings.verbose() > 1) {
      CallText.out().println("[Memory] Loading " + identity.displayName() + " from cache " + key);
    }
    return new Hit(value);
  }

  /**
   * Deletes a damaged entry with a warning; keeps one that only cannot be read here and now (warned
   * once per entry and lookup, then logged at debug level), so the call computes without caching.
   */
  private void unreadable(GuardedStore s, EntryKey key, Throwable e) {
    String what =
        "Exception while loading results for "
            + identity.displayName()
            + " (entry "
            + key
            + " in "
            + settings.location()
            + "); ";
    if (ReadFailures.damaged(e)) {
      GuardedStore.warn(what + "deleting the entry and computing again", e);
      s.delete(key);
      return;
    }
    if (keptWarned.size() > 10_000) {
      keptWarned.clear();
    }
    String kept =
        what
            + "keeping the entry, which is not damaged and may be readable elsewhere or later,"
            + " and computing again without caching";
    if (keptWarned.add(key)) {
      GuardedStore.warn(kept, e);
    } else {
      LOG.log(Level.DEBUG, "[Memory] " + kept + ": " + e, e);
    }
  }

  /** Records the access, at most once per second per entry from this JVM. */
  private static void touch(GuardedStore s, EntryKey key) {
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

  private boolean isValid(GuardedStore s, StoredEntry entry) {
    Optional<byte[]> bytes;
    try {
      bytes = entry.readMetadata();
    } catch (RuntimeException e) {
      unreadable(s, entry.key(), e);
      return false;
    }
    CacheMetadata metadata;
    try {
      metadata =
          MetadataCodec.decode(
              bytes.orElseThrow(() -> new IllegalArgumentException("metadata.json is missing")));
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
}
