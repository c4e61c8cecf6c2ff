package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access times an object store's markers were last written with, as this JVM knows them. An
 * object store has no cheap access time to update, so a store writes an access marker object
 * instead: at most once per {@code touchInterval} per entry, which this record decides; and since
 * object stores list write times to the second only, the record also refines a listed write time.
 * Bounded: past 100,000 entries the record starts over (costing only extra marker writes).
 */
public final class RecordedAccess {
  private static final int MAX_ENTRIES = 100_000;

  private final Duration touchInterval;
  private final Map<EntryKey, Instant> times = new ConcurrentHashMap<>();

  /**
   * Creates an empty record.
   *
   * @param touchInterval how long a written marker stays good enough
   */
  public RecordedAccess(Duration touchInterval) {
    this.touchInterval = touchInterval;
  }

  /**
   * Whether a marker this JVM wrote for {@code key} is recent enough that an access at {@code
   * accessTime} need not write another.
   *
   * @param key the entry
   * @param accessTime the new access
   * @return true to skip the write
   */
  public boolean isFresh(EntryKey key, Instant accessTime) {
    Instant recorded = times.get(key);
    return recorded != null
        && !accessTime.isBefore(recorded)
        && Duration.between(recorded, accessTime).compareTo(touchInterval) < 0;
  }

  /**
   * Records that the entry was written or its marker was, at {@code time}.
   *
   * @param key the entry
   * @param time when
   */
  public void remember(EntryKey key, Instant time) {
    if (times.size() > MAX_ENTRIES) {
      times.clear();
    }
    times.put(key, time);
  }

  /**
   * The recorded time when it falls within the second that the store listed, else the listed one.
   *
   * @param key the entry
   * @param listed the time the store lists, to the second
   * @return the finer of the two
   */
  public Instant refine(EntryKey key, Instant listed) {
    Instant recorded = times.get(key);
    if (recorded != null
        && !recorded.isBefore(listed)
        && recorded.isBefore(listed.plusSeconds(1))) {
      return recorded;
    }
    return listed;
  }

  /**
   * Forgets an entry.
   *
   * @param key the entry
   */
  public void forget(EntryKey key) {
    times.remove(key);
  }

  /**
   * Forgets a function's entries.
   *
   * @param functionId the function
   */
  public void forgetFunction(String functionId) {
    times.keySet().removeIf(k -> k.functionId().equals(functionId));
  }

  /** Forgets everything. */
  public void clear() {
    times.clear();
  }
}
