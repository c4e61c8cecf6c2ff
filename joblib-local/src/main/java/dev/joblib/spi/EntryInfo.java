package dev.joblib.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store's listing says about one entry: enough to choose entries to evict (joblib's {@code
 * CacheItemInfo}).
 *
 * @param key the entry, never null
 * @param sizeBytes the bytes the entry occupies in the store (output plus metadata), 0 or more
 * @param lastAccess when the entry was last read or written, as recorded by {@link
 *     StoreBackend#touch}; never null. Its precision is the store's (see the store's documentation)
 * @since 0.1
 */
public record EntryInfo(EntryKey key, long sizeBytes, Instant lastAccess) {
  /**
   * Validates the information.
   *
   * @param key the entry
   * @param sizeBytes the bytes the entry occupies in the store
   * @param lastAccess when the entry was last read or written
   * @throws NullPointerException if {@code key} or {@code lastAccess} is null
   * @throws IllegalArgumentException if {@code sizeBytes} is negative
   */
  public EntryInfo {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(lastAccess, "lastAccess must not be null");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be 0 or more, got " + sizeBytes);
    }
  }
}
