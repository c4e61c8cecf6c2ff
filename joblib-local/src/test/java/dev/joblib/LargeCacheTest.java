package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local cache of 100,000 entries (written straight through the store SPI, as Memory would have
 * left them): listing it and {@code reduceSize} finish and evict exactly down to the limits, least
 * recently used first. The times are printed, not asserted.
 */
@Tag("reliability")
class LargeCacheTest {
  private static final int ENTRIES = Integer.getInteger("joblib.soak.cacheEntries", 100_000);
  private static final int FUNCTIONS = 10;
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private String where;

  @Test
  void listingAndReduceSizeOverOneHundredThousandEntriesEvictToTheLimits() throws IOException {
    Path location = scratchDirectory();
    try {
      fillListAndReduce(location);
    } finally {
      try (Stream<Path> walk = Files.walk(location)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /**
   * A directory in memory (/dev/shm) when there is one: creating 100,000 entry directories on this
   * machine's ext4 disk takes 25 times longer (0.6 ms against 25 us an entry), which would make the
   * test measure the disk's journal rather than the store. The pages it holds (about 800 MiB) are
   * freed at the end. Where /dev/shm is small, the test's own temporary directory is used.
   */
  private Path scratchDirectory() throws IOException {
    Path shm = Path.of("/dev/shm");
    // a container's /dev/shm is often 64 MiB: use it only where the entries fit with room to spare
    if (Files.isDirectory(shm)
        && Files.isWritable(shm)
        && Files.getFileStore(shm).getUsableSpace() > 2L << 30) {
      return Files.createTempDirectory(shm, "joblib-large-cache-");
    }
    return Files.createDirectories(dir.resolve("cache"));
  }

  private void fillListAndReduce(Path location) {
    where = location.toString();
    byte[] output = new byte[100];
    byte[] metadata = "{\"duration\": 0.1, \"input_args\": {}}".getBytes(StandardCharsets.UTF_8);
    long entrySize = output.length + metadata.length;

    try (StoreBackend store = StoreRegistry.open(location.toUri(), Map.of())) {
      long start = System.nanoTime();
      for (int i = 0; i < ENTRIES; i++) {
        output[0] = (byte) i;
        EntryKey key = key(i);
        assertThat(store.publish(key, EntryWriter.of(output, 0, output.length), metadata)).isTrue();
        // entry i was last used i seconds after BASE: the higher i, the more recent
        store.touch(key, BASE.plusSeconds(i));
      }
      report("writing", ENTRIES, start);

      start = System.nanoTime();
      List<EntryInfo> all;
      try (Stream<EntryInfo> listing = store.list()) {
        all = listing.toList();
      }
      report("listing", ENTRIES, start);
      assertThat(all)
          .hasSize(ENTRIES)
          .allSatisfy(e -> assertThat(e.sizeBytes()).isEqualTo(entrySize));

      Memory memory = Memory.at(location);
      int few = ENTRIES / 100;
      start = System.nanoTime();
      assertThat(memory.reduceSize(null, ENTRIES - few, null)).isEqualTo(few);
      report("reduceSize evicting " + few + " items", ENTRIES, start);
      assertThat(keysByAge(store)).isEqualTo(keys(few, ENTRIES));

      int items = ENTRIES / 100;
      start = System.nanoTime();
      assertThat(memory.reduceSize(null, items, null)).isEqualTo(ENTRIES - few - items);
      report("reduceSize to " + items + " items", ENTRIES - few, start);
      assertThat(keysByAge(store)).isEqualTo(keys(ENTRIES - items, ENTRIES));

      int kept = items / 2;
      start = System.nanoTime();
      assertThat(memory.reduceSize(kept * entrySize + entrySize / 2, null, null))
          .isEqualTo(items - kept);
      report("reduceSize to " + kept + " entries' bytes", items, start);
      assertThat(keysByAge(store)).isEqualTo(keys(ENTRIES - kept, ENTRIES));

      assertThat(memory.reduceSize(null, null, java.time.Duration.ofDays(1))).isEqualTo(kept);
      assertThat(keysByAge(store)).isEmpty();
    }
  }

  private static EntryKey key(int i) {
    return new EntryKey("dev.joblib.LargeCacheTest/f" + (i % FUNCTIONS), String.format("%032x", i));
  }

  private static List<EntryKey> keys(int from, int to) {
    return IntStream.range(from, to).mapToObj(LargeCacheTest::key).toList();
  }

  private static List<EntryKey> keysByAge(StoreBackend store) {
    try (Stream<EntryInfo> listing = store.list()) {
      return listing
          .sorted(Comparator.comparing(EntryInfo::lastAccess))
          .map(EntryInfo::key)
          .toList();
    }
  }

  private void report(String what, int entries, long startNanos) {
    System.out.printf(
        "LargeCacheTest (%s): %s over %,d entries took %d ms%n",
        where, what, entries, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
