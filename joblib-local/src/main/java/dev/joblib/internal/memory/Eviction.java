package dev.joblib.internal.memory;

import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** joblib's {@code reduce_size}: least recently used entries go first. */
final class Eviction {
  private Eviction() {}

  /**
   * Deletes the least recently used entries until the store holds at most {@code bytesLimit} bytes
   * and {@code itemsLimit} entries, and no entry older than {@code ageLimit} is left. A null limit
   * does not apply.
   *
   * @return how many entries were deleted
   */
  static int reduce(StoreBackend store, Long bytesLimit, Long itemsLimit, Duration ageLimit) {
    if (bytesLimit == null && itemsLimit == null && ageLimit == null) {
      return 0;
    }
    List<EntryInfo> items;
    try (Stream<EntryInfo> listing = store.list()) {
      items = listing.sorted(Comparator.comparing(EntryInfo::lastAccess)).toList();
    }
    long total = 0;
    for (EntryInfo item : items) {
      total += item.sizeBytes();
    }
    long bytesToDelete = bytesLimit == null ? 0 : total - bytesLimit;
    long itemsToDelete = itemsLimit == null ? 0 : items.size() - itemsLimit;
    Instant oldest = ageLimit == null ? null : Instant.now().minus(ageLimit);
    List<EntryKey> victims = new ArrayList<>();
    long deletedBytes = 0;
    for (EntryInfo item : items) {
      boolean tooOld = oldest != null && item.lastAccess().isBefore(oldest);
      if (deletedBytes >= bytesToDelete && victims.size() >= itemsToDelete && !tooOld) {
        break;
      }
      victims.add(item.key());
      deletedBytes += item.sizeBytes();
    }
    return victims.isEmpty() ? 0 : store.deleteAll(victims);
  }
}
