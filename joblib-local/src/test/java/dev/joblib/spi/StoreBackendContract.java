package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviours every {@link StoreBackend} honours. A store's test class extends this and opens a
 * fresh, empty store per test:
 *
 * <pre>{@code
 * class HdfsStoreContractTest extends StoreBackendContract {
 *   protected StoreBackend newStore() { return provider.open(new StoreSpec(uniqueUri(), opts)); }
 *   protected void truncateOutput(StoreBackend s, EntryKey k, int keep) { ...rewrite the file... }
 * }
 * }</pre>
 */
@Timeout(120)
public abstract class StoreBackendContract {
  /**
   * Opens a store on a new, empty location. Called once per test; the suite closes it.
   *
   * @return the store
   */
  protected abstract StoreBackend newStore();

  /**
   * Replaces the output of an existing entry by its first {@code keepBytes} bytes, behind the
   * store's back (as a crash or a broken disk would), so that the suite can check that truncated
   * entries stay listable, readable as what is there, and deletable.
   *
   * @param store the store
   * @param key an entry that exists
   * @param keepBytes how many bytes to keep
   * @throws Exception if the medium cannot be changed
   */
  protected abstract void truncateOutput(StoreBackend store, EntryKey key, int keepBytes)
      throws Exception;

  /**
   * Returns the precision of the last-access times the store records; the default is 2 seconds.
   *
   * @return the tolerance used when comparing times
   */
  protected Duration accessTimePrecision() {
    return Duration.ofSeconds(2);
  }

  /**
   * Returns the size of the output used by the large-entry test; override to cross a multipart
   * threshold. The default is 6 MiB.
   *
   * @return a size in bytes
   */
  protected int largeOutputBytes() {
    return 6 << 20;
  }

  private StoreBackend store;

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * Writes a file into the directory a store hands to {@link EntryWriter#writeFiles}, as a value
   * codec would. The default writes through {@code java.nio.file} (a {@code file:} URI); a store on
   * another file system overrides this and {@link #readFile}.
   *
   * @param directory the entry's temporary directory
   * @param name the file's path relative to it, with {@code '/'}
   * @param content the bytes
   * @throws IOException if it cannot be written
   */
  protected void writeFile(java.net.URI directory, String name, byte[] content) throws IOException {
    java.nio.file.Path file = java.nio.file.Path.of(directory).resolve(name);
    java.nio.file.Files.createDirectories(file.getParent());
    java.nio.file.Files.write(file, content);
  }

  /**
   * Reads a file from a published entry's directory ({@link StoredEntry#directory()}).
   *
   * @param directory the entry's directory
   * @param name the file's path relative to it
   * @return its bytes
   * @throws IOException if it cannot be read
   */
  protected byte[] readFile(java.net.URI directory, String name) throws IOException {
    return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(directory).resolve(name));
  }

  /**
   * Returns the store of the running test.
   *
   * @return the store
   */
  protected final StoreBackend store() {
    return store;
  }

  private static final String FN = "com.example.Trainer/fit";
  private static final String OTHER_FN = "com.example.Job/lambda$main$0";

  private static EntryKey key(String fn, int i) {
    return new EntryKey(fn, String.format("%032x", 0xabc000L + i));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] pattern(int size, int seed) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = (byte) (i * 31 + seed * 7 + (i >>> 10));
    }
    return out;
  }

  private boolean publish(EntryKey key, byte[] output, String metadata) {
    return store.publish(key, out -> out.write(output), bytes(metadata));
  }

  private List<EntryInfo> listAll() {
    try (Stream<EntryInfo> s = store.list()) {
      return s.collect(Collectors.toList());
    }
  }

  private List<EntryInfo> listOf(String fn) {
    try (Stream<EntryInfo> s = store.list(fn)) {
      return s.collect(Collectors.toList());
    }
  }

  private static Set<EntryKey> keys(List<EntryInfo> infos) {
    return infos.stream().map(EntryInfo::key).collect(Collectors.toSet());
  }

  @Test
  void roundTripsOutputAndMetadata() throws IOException {
    EntryKey key = key(FN, 1);
    byte[] output = pattern(10_000, 1);

    assertThat(publish(key, output, "{\"duration\":1.5}")).isTrue();

    StoredEntry entry = store.get(key).orElseThrow();
    assertThat(entry.key()).isEqualTo(key);
    assertThat(entry.outputSize()).isEqualTo(output.length);
    assertThat(entry.readOutput()).isEqualTo(output);
    try (InputStream in = entry.openOutput()) {
      assertThat(in.readAllBytes()).isEqualTo(output);
    }
    assertThat(entry.readMetadata())
        .hasValueSatisfying(m -> assertThat(m).isEqualTo(bytes("{\"duration\":1.5}")));
  }

  @Test
  void roundTripsEmptyAndLargeOutputs() throws IOException {
    EntryKey empty = key(FN, 2);
    EntryKey large = key(FN, 3);
    byte[] big = pattern(largeOutputBytes(), 3);

    assertThat(publish(empty, new byte[0], "{}")).isTrue();
    assertThat(
            store.publish(
                large,
                out -> {
                  for (int off = 0; off < big.length; off += 8191) {
                    out.write(big, off, Math.min(8191, big.length - off));
                  }
                },
                bytes("{}")))
        .isTrue();

    assertThat(store.get(empty).orElseThrow().readOutput()).isEmpty();
    StoredEntry entry = store.get(large).orElseThrow();
    assertThat(entry.outputSize()).isEqualTo(big.length);
    try (InputStream in = entry.openOutput()) {
      assertThat(Arrays.equals(in.readAllBytes(), big)).isTrue();
    }
  }

  @Test
  void publishesFromAWriterOfKnownLength() {
    EntryKey key = key(FN, 8);
    byte[] buffer = pattern(5000, 8);

    assertThat(store.publish(key, EntryWriter.of(buffer, 100, 4000), bytes("{}"))).isTrue();

    assertThat(store.get(key).orElseThrow().readOutput())
        .isEqualTo(Arrays.copyOfRange(buffer, 100, 4100));
    assertThat(EntryWriter.of(buffer, 100, 4000).length()).isEqualTo(4000);
    assertThatThrownBy(() -> EntryWriter.of(buffer, 4000, 2000))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void missingThingsAreEmptyNotErrors() {
    EntryKey key = key(FN, 4);

    assertThat(store.get(key)).isEmpty();
    assertThat(store.delete(key)).isFalse();
    store.touch(key, Instant.now());
    assertThat(store.getFunctionInfo(FN)).isEmpty();
    assertThat(listAll()).isEmpty();
    assertThat(listOf(FN)).isEmpty();
    store.deleteFunction(FN);
    store.clear();
    assertThat(store.get(key)).isEmpty();
  }

  /** An output that writes a codec's file into the entry's directory before its bytes. */
  private EntryWriter withFile(byte[] output, byte[] file, EntryKey key) {
    return new EntryWriter() {
      @Override
      public void writeTo(java.io.OutputStream out) throws IOException {
        out.write(output);
      }

      @Override
      public boolean writesFiles() {
        return true;
      }

      @Override
      public void writeFiles(java.net.URI directory) throws IOException {
        writeFile(directory, "data/part-0", file);
        assertThat(store.get(key)).as("the entry while its files are written").isEmpty();
      }
    };
  }

  @Test
  void anOutputWithFilesPublishesThemInsideTheEntryOrIsRefused() throws IOException {
    EntryKey key = key(FN, 40);
    byte[] file = pattern(5_000, 4);
    boolean published;
    try {
      published = store.publish(key, withFile(bytes("codec"), file, key), bytes("{}"));
    } catch (UnsupportedOperationException e) {
      // a store that keeps entries as objects, not directories, refuses and publishes nothing
      assertThat(store.get(key)).isEmpty();
      assertThat(listAll()).isEmpty();
      return;
    }
    assertThat(published).isTrue();
    StoredEntry entry = store.get(key).orElseThrow();
    assertThat(entry.readOutput()).isEqualTo(bytes("codec"));
    assertThat(readFile(entry.directory().orElseThrow(), "data/part-0")).isEqualTo(file);
    assertThat(listAll())
        .singleElement()
        .satisfies(i -> assertThat(i.sizeBytes()).isGreaterThanOrEqualTo(5_000L + 5 + 2));

    // a second writer of the key loses: the first entry's files stay, the loser's are gone
    assertThat(store.publish(key, withFile(bytes("other"), pattern(7, 5), key), bytes("{}")))
        .isFalse();
    assertThat(readFile(store.get(key).orElseThrow().directory().orElseThrow(), "data/part-0"))
        .isEqualTo(file);
    assertThat(keys(listAll())).containsExactly(key);

    assertThat(store.delete(key)).isTrue();
    assertThat(store.get(key)).isEmpty();
    assertThat(listAll()).isEmpty();
  }

  @Test
  void keepsTheFirstEntryWhenAKeyIsPublishedAgain() {
    EntryKey key = key(FN, 5);
    assertThat(publish(key, bytes("first"), "{\"n\":1}")).isTrue();

    assertThat(publish(key, bytes("second"), "{\"n\":2}")).isFalse();

    StoredEntry entry = store.get(key).orElseThrow();
    assertThat(entry.readOutput()).isEqualTo(bytes("first"));
    assertThat(entry.readMetadata())
        .hasValueSatisfying(m -> assertThat(m).isEqualTo(bytes("{\"n\":1}")));
    assertThat(keys(listAll())).containsExactly(key);
  }

  @Test
  void aFailingWriterPublishesNothing() {
    EntryKey key = key(FN, 6);

    assertThatThrownBy(
            () ->
                store.publish(
                    key,
                    out -> {
                      out.write(pattern(100_000, 6));
                      throw new IOException("disk full (simulated)");
                    },
                    bytes("{}")))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("disk full (simulated)");
    IllegalStateException boom = new IllegalStateException("writer bug");
    assertThatThrownBy(
            () ->
                store.publish(
                    key,
                    out -> {
                      out.write(1);
                      throw boom;
                    },
                    bytes("{}")))
        .isSameAs(boom);

    assertThat(store.get(key)).isEmpty();
    assertThat(listAll()).isEmpty();
    assertThat(publish(key, bytes("ok"), "{}")).isTrue();
    assertThat(store.get(key).orElseThrow().readOutput()).isEqualTo(bytes("ok"));
  }

  @Test
  void concurrentWritersOfOneKeyLeaveOneWholeEntry() throws Exception {
    EntryKey key = key(FN, 7);
    int writers = 8;
    int size = 256 * 1024;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] content = pattern(size, w);
        String meta = "{\"writer\":" + w + "}";
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.publish(
                      key,
                      out -> {
                        for (int off = 0; off < size; off += 4096) {
                          out.write(content, off, 4096);
                        }
                      },
                      bytes(meta));
                }));
      }
      int winners = 0;
      for (Future<Boolean> result : results) {
        winners += result.get() ? 1 : 0;
      }

      assertThat(winners).isLessThanOrEqualTo(1);
      StoredEntry entry = store.get(key).orElseThrow();
      byte[] output = entry.readOutput();
      String meta = new String(entry.readMetadata().orElseThrow(), StandardCharsets.UTF_8);
      int writer = Integer.parseInt(meta.replaceAll("\\D", ""));
      assertThat(output).isEqualTo(pattern(size, writer));
      assertThat(keys(listAll())).containsExactly(key);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readersNeverSeeAPartialEntry() throws Exception {
    int entries = 20;
    int size = 64 * 1024;
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> reader =
          pool.submit(
              () -> {
                while (!done.get()) {
                  for (int i = 0; i < entries; i++) {
                    EntryKey key = key(FN, 100 + i);
                    var entry = store.get(key);
                    if (entry.isPresent()) {
                      assertThat(entry.get().readOutput()).isEqualTo(pattern(size, i));
                      assertThat(entry.get().readMetadata()).isPresent();
                      seen.incrementAndGet();
                    }
                  }
                }
                return null;
              });
      for (int i = 0; i < entries; i++) {
        byte[] content = pattern(size, i);
        store.publish(
            key(FN, 100 + i),
            out -> {
              for (int off = 0; off < size; off += 1024) {
                out.write(content, off, 1024);
                out.flush();
              }
            },
            bytes("{\"i\":" + i + "}"));
      }
      done.set(true);
      reader.get();
      assertThat(listAll()).hasSize(entries);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void listsEntriesWithSizesAcrossFunctions() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    publish(key(FN, 10), pattern(1000, 10), "{}");
    publish(key(FN, 11), pattern(3000, 11), "{}");
    publish(key(OTHER_FN, 12), pattern(500, 12), "{}");
    publish(key("a/b/c.D/deep", 13), pattern(10, 13), "{}");
    store.putFunctionInfo(FN, bytes("{\"code\":\"x\"}"));

    List<EntryInfo> all = listAll();

    assertThat(keys(all))
        .containsExactlyInAnyOrder(
            key(FN, 10), key(FN, 11), key(OTHER_FN, 12), key("a/b/c.D/deep", 13));
    Map<EntryKey, EntryInfo> byKey = all.stream().collect(Collectors.toMap(EntryInfo::key, i -> i));
    assertThat(byKey.get(key(FN, 10)).sizeBytes()).isGreaterThanOrEqualTo(1000);
    assertThat(byKey.get(key(FN, 11)).sizeBytes()).isGreaterThanOrEqualTo(3000);
    assertThat(byKey.get(key(FN, 11)).sizeBytes())
        .isGreaterThan(byKey.get(key(FN, 10)).sizeBytes());
    for (EntryInfo info : all) {
      assertThat(info.lastAccess())
          .isBetween(
              before.minus(accessTimePrecision()), Instant.now().plus(accessTimePrecision()));
    }
    assertThat(keys(listOf(FN))).containsExactlyInAnyOrder(key(FN, 10), key(FN, 11));
    assertThat(keys(listOf(OTHER_FN))).containsExactly(key(OTHER_FN, 12));
    assertThat(listOf("com.example.Nobody/none")).isEmpty();
  }

  @Test
  void listingOrdersEntriesByRecordedAccessForEviction() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<EntryKey> expectedOrder = new ArrayList<>();
    int[] hoursAgo = {5, 50, 1, 20};
    for (int i = 0; i < hoursAgo.length; i++) {
      publish(key(FN, 20 + i), pattern(100, i), "{}");
    }
    for (int i = 0; i < hoursAgo.length; i++) {
      store.touch(key(FN, 20 + i), now.minus(Duration.ofHours(hoursAgo[i])));
    }
    expectedOrder.add(key(FN, 21));
    expectedOrder.add(key(FN, 23));
    expectedOrder.add(key(FN, 20));
    expectedOrder.add(key(FN, 22));

    List<EntryInfo> lru =
        listAll().stream().sorted(Comparator.comparing(EntryInfo::lastAccess)).toList();

    assertThat(lru).extracting(EntryInfo::key).containsExactlyElementsOf(expectedOrder);
    assertThat(lru.get(0).lastAccess().toEpochMilli())
        .isCloseTo(
            now.minus(Duration.ofHours(50)).toEpochMilli(),
            within(accessTimePrecision().toMillis()));

    assertThat(store.deleteAll(lru.subList(0, 2).stream().map(EntryInfo::key).toList()))
        .isEqualTo(2);
    assertThat(keys(listAll())).containsExactlyInAnyOrder(key(FN, 20), key(FN, 22));
  }

  @Test
  void deletesEntriesOneByOneAndInBatches() {
    for (int i = 0; i < 6; i++) {
      publish(key(FN, 30 + i), pattern(200, i), "{}");
    }

    assertThat(store.delete(key(FN, 30))).isTrue();
    assertThat(store.delete(key(FN, 30))).isFalse();
    assertThat(store.get(key(FN, 30))).isEmpty();
    assertThat(store.deleteAll(List.of(key(FN, 31), key(FN, 32), key(FN, 33), key(FN, 99))))
        .isEqualTo(3);

    assertThat(keys(listAll())).containsExactlyInAnyOrder(key(FN, 34), key(FN, 35));
    assertThat(store.get(key(FN, 34)).orElseThrow().readOutput()).isEqualTo(pattern(200, 4));
    assertThat(publish(key(FN, 30), bytes("again"), "{}")).isTrue();
    assertThat(store.get(key(FN, 30)).orElseThrow().readOutput()).isEqualTo(bytes("again"));
  }

  @Test
  void anEntryDeletedAndPublishedAgainIsReadAnewEvenAtTheSameSize() {
    EntryKey key = key(FN, 36);
    for (int round = 0; round < 20; round++) {
      byte[] output = pattern(300, round);
      assertThat(publish(key, output, "{}")).isTrue();
      assertThat(store.get(key).orElseThrow().readOutput()).as("round " + round).isEqualTo(output);
      assertThat(store.get(key).orElseThrow().readOutput()).as("round " + round).isEqualTo(output);
      assertThat(store.delete(key)).isTrue();
      assertThat(store.get(key)).as("round " + round).isEmpty();
    }
  }

  @Test
  void keepsAndReplacesFunctionInfo() {
    store.putFunctionInfo(FN, bytes("{\"v\":1}"));
    assertThat(store.getFunctionInfo(FN))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("{\"v\":1}")));

    store.putFunctionInfo(FN, bytes("{\"v\":2}"));

    assertThat(store.getFunctionInfo(FN))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("{\"v\":2}")));
    assertThat(store.getFunctionInfo(OTHER_FN)).isEmpty();
    assertThat(listAll()).isEmpty();
  }

  @Test
  void deleteFunctionRemovesOnlyThatFunction() {
    publish(key(FN, 40), bytes("a"), "{}");
    publish(key(FN, 41), bytes("b"), "{}");
    publish(key(OTHER_FN, 42), bytes("c"), "{}");
    store.putFunctionInfo(FN, bytes("{}"));
    store.putFunctionInfo(OTHER_FN, bytes("{}"));

    store.deleteFunction(FN);

    assertThat(keys(listAll())).containsExactly(key(OTHER_FN, 42));
    assertThat(store.getFunctionInfo(FN)).isEmpty();
    assertThat(store.getFunctionInfo(OTHER_FN)).isPresent();
    assertThat(publish(key(FN, 40), bytes("a2"), "{}")).isTrue();
    assertThat(store.get(key(FN, 40)).orElseThrow().readOutput()).isEqualTo(bytes("a2"));
  }

  @Test
  void clearRemovesEverythingAndTheStoreStaysUsable() {
    publish(key(FN, 50), bytes("a"), "{}");
    publish(key(OTHER_FN, 51), bytes("b"), "{}");
    store.putFunctionInfo(FN, bytes("{}"));

    store.clear();

    assertThat(listAll()).isEmpty();
    assertThat(store.get(key(FN, 50))).isEmpty();
    assertThat(store.getFunctionInfo(FN)).isEmpty();
    assertThat(publish(key(FN, 50), bytes("after"), "{}")).isTrue();
    assertThat(store.get(key(FN, 50)).orElseThrow().readOutput()).isEqualTo(bytes("after"));
  }

  @Test
  void aTruncatedEntryIsReadAsWhatIsThereAndCanBeReplaced() throws Exception {
    EntryKey key = key(FN, 60);
    byte[] output = pattern(50_000, 60);
    publish(key, output, "{}");

    truncateOutput(store, key, 1234);

    StoredEntry entry = store.get(key).orElseThrow();
    assertThat(entry.outputSize()).isEqualTo(1234);
    assertThat(entry.readOutput()).isEqualTo(Arrays.copyOf(output, 1234));
    assertThat(keys(listAll())).containsExactly(key);
    assertThat(store.delete(key)).isTrue();
    assertThat(publish(key, output, "{}")).isTrue();
    assertThat(store.get(key).orElseThrow().readOutput()).isEqualTo(output);
  }

  @Test
  void concurrentPublishDeleteAndListNeverFail() throws Exception {
    int threads = 4;
    int rounds = 30;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    Set<EntryKey> published = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < rounds; r++) {
                    EntryKey key = key(FN, 200 + (r % 5));
                    byte[] content = pattern(2048, r % 5);
                    store.publish(key, out -> out.write(content), bytes("{}"));
                    published.add(key);
                    store.get(key).ifPresent(e -> readIfStillThere(e, content));
                    if ((r + seed) % 3 == 0) {
                      store.delete(key);
                    }
                  }
                  return null;
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  listAll();
                  if (r % 10 == 9) {
                    store.clear();
                  }
                }
                return null;
              }));
      for (Future<?> f : futures) {
        f.get();
      }
      Set<EntryKey> listed = new HashSet<>(keys(listAll()));
      assertThat(published).containsAll(listed);
      for (EntryKey key : listed) {
        int i = Integer.parseInt(key.argsId().substring(key.argsId().length() - 3), 16) - 200;
        assertThat(store.get(key).orElseThrow().readOutput()).isEqualTo(pattern(2048, i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void readIfStillThere(StoredEntry entry, byte[] expected) {
    byte[] read;
    try {
      read = entry.readOutput();
    } catch (UncheckedIOException e) {
      return; // deleted between get and read: a miss
    }
    assertThat(read).isEqualTo(expected);
  }
}
