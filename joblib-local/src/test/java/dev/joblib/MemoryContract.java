package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.joblib.internal.store.StoreRegistry;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoreBackend;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link Memory} does on every store, end to end: a store's test class extends this, gives a
 * fresh location per test (and the store options it needs), and a way to damage an entry behind the
 * store's back.
 *
 * <pre>{@code
 * class S3MemoryTest extends MemoryContract {
 *   protected String newLocation() { return "s3://bucket/" + UUID.randomUUID(); }
 *   protected Map<String, String> storeOptions() { return Map.of("s3.endpoint", endpoint); }
 *   protected void rewriteOutput(String location, EntryKey key, UnaryOperator<byte[]> change) {
 *     ... read the entry's dump bytes, write change.apply(bytes) back in place ...
 *   }
 * }
 * }</pre>
 *
 * Some tests start child JVMs on the test class path ({@link MemoChild}).
 */
@Timeout(180)
public abstract class MemoryContract {
  /**
   * Returns a new, empty location (a path or URI) for one test.
   *
   * @return the location
   */
  protected abstract String newLocation();

  /**
   * Returns the store options for {@code Memory.builder().storeOption(...)}; none by default.
   *
   * @return the options
   */
  protected Map<String, String> storeOptions() {
    return Map.of();
  }

  /**
   * Replaces the output of an existing entry (the bytes of the dump, without any framing the store
   * adds around it) by {@code change} applied to it, behind the store's back (as a crash, a broken
   * disk or a flipped bit in transit would).
   *
   * @param location the location given by {@link #newLocation()}
   * @param key the entry
   * @param change takes the output's bytes, returns the new ones (it may change the array given)
   * @throws Exception if the medium cannot be changed
   */
  protected abstract void rewriteOutput(String location, EntryKey key, UnaryOperator<byte[]> change)
      throws Exception;

  /** A scratch directory for call logs and files exchanged with child JVMs. */
  @TempDir protected Path scratch;

  private String location;
  private String log;
  private StoreBackend store;

  @BeforeEach
  void newCache() {
    location = newLocation();
    log = scratch.resolve("calls.log").toString();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * Returns a Memory on this test's location with the store options.
   *
   * @return the Memory
   */
  protected final Memory memory() {
    return memory(Memory.builder());
  }

  private Memory memory(Memory.Builder builder) {
    builder.location(location);
    storeOptions().forEach(builder::storeOption);
    return builder.build();
  }

  private StoreBackend store() {
    if (store == null) {
      store = StoreRegistry.open(memory().location().orElseThrow(), storeOptions());
    }
    return store;
  }

  private List<EntryInfo> entries() {
    try (Stream<EntryInfo> listing = store().list()) {
      return listing.toList();
    }
  }

  private List<String> calls() throws Exception {
    return MemoFunctions.calls(log);
  }

  private static EntryKey keyOf(MemorizedFn1<Integer, ?> f, int x) throws Exception {
    return new EntryKey(f.functionId(), f.callAndShelve(x).argsId());
  }

  @Test
  void computesEachCallOnceThenLoadsIt() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));

    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(4)).isEqualTo(16);
    assertThat(memory().cache(MemoFunctions.square(log)).apply(3)).isEqualTo(9);

    assertThat(calls()).containsExactly("square 3", "square 4");
    assertThat(square.isCached(3)).isTrue();
    assertThat(square.isCached(5)).isFalse();
    assertThat(entries()).hasSize(2);
  }

  @Test
  void ignoredArgumentsDoNotChangeTheKey() throws Exception {
    MemorizedFn2<Integer, Boolean, Integer> cube =
        memory().cache(MemoFunctions.cube(log)).ignore(1);

    assertThat(cube.apply(2, true)).isEqualTo(8);
    assertThat(cube.apply(2, false)).isEqualTo(8);

    assertThat(calls()).containsExactly("cube 2");
  }

  @Test
  void expiredEntriesAreRecomputed() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    square.apply(5);

    assertThat(square.cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1))).apply(5))
        .isEqualTo(25);
    assertThat(calls()).hasSize(1);
    Thread.sleep(20);
    MemorizedFn1<Integer, Integer> shortLived =
        square.cacheValidation(CacheValidation.expiresAfter(Duration.ofMillis(10)));
    assertThat(shortLived.apply(5)).isEqualTo(25);
    assertThat(calls()).hasSize(2);
    assertThat(entries()).hasSize(1);
  }

  @Test
  void callAndShelveReturnsASerializableReference() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));

    MemorizedResult<Integer> shelved = roundTrip(roundTrip(square).callAndShelve(10));

    assertThat(shelved.get()).isEqualTo(100);
    assertThat(square.apply(10)).isEqualTo(100);
    assertThat(calls()).hasSize(1);
    shelved.clear();
    assertThat(square.isCached(10)).isFalse();
    assertThatThrownBy(shelved::get).isInstanceOf(JoblibException.class);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void truncatedEntriesAreDeletedAndRecomputed() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    square.apply(6);
    EntryKey key = keyOf(square, 6);

    rewriteOutput(location, key, bytes -> Arrays.copyOf(bytes, 20));
    assertThat(square.apply(6)).isEqualTo(36);
    rewriteOutput(location, key, bytes -> new byte[0]);
    assertThat(square.apply(6)).isEqualTo(36);
    assertThat(square.apply(6)).isEqualTo(36);

    assertThat(calls()).hasSize(3);
    assertThat(entries()).hasSize(1);
  }

  /** Where a test flips a bit in an uncompressed dump of a {@link MemoFunctions.Series}. */
  private record Flip(String where, boolean signedOnly, ToIntFunction<byte[]> offset, int mask) {}

  private static final int MAC_BYTES = 32;

  private static List<Flip> flips(boolean signed) {
    int trailer = signed ? MAC_BYTES : 0;
    List<Flip> flips =
        List.of(
            new Flip("the magic bytes", false, dump -> 1, 0x10),
            new Flip("the format version", false, dump -> 4, 0x02),
            new Flip("the header flags", false, dump -> 5, signed ? 0x01 : 0x04),
            new Flip("the compressor name", false, dump -> 8, 0x20),
            new Flip(
                "the object stream",
                false,
                dump -> {
                  int header = 7 + (dump[6] & 0xff);
                  long graph =
                      ByteBuffer.wrap(dump, header, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                  return (int) (header + 8 + graph / 2);
                },
                0x08),
            new Flip(
                "the out-of-band double[] block",
                false,
                dump -> {
                  // the block is the last one: then its CRC32C, the end marker, the signature
                  int blockBytes = 8 * MemoFunctions.Series.LENGTH;
                  int start = dump.length - trailer - 4 - 4 - blockBytes;
                  ByteBuffer block = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
                  double first = block.getDouble(start);
                  double last = block.getDouble(start + blockBytes - 8);
                  assertThat(new double[] {first, last})
                      .as("the block's first and last values, where the test expects them")
                      .containsExactly(0.5, 2.0 * (MemoFunctions.Series.LENGTH - 1) + 0.5);
                  return start + blockBytes / 2 + 3; // inside the mantissa of value 2048
                },
                0x01),
            new Flip("the signature", true, dump -> dump.length - 1, 0x80));
    return flips.stream().filter(f -> signed || !f.signedOnly()).toList();
  }

  @Test
  void bitFlippedEntriesAreDetectedDeletedAndRecomputed() throws Exception {
    checkFlipsAreRecomputed(memory(), false);
  }

  @Test
  void aSignedMemoryRecomputesBitFlippedEntries() throws Exception {
    byte[] key = "memory-contract-signing-key-0123".getBytes(StandardCharsets.US_ASCII);
    checkFlipsAreRecomputed(memory(Memory.builder().signingKey(key)), true);
  }

  /**
   * For each place in the dump: one bit flipped behind the store's back is detected on the next
   * call, which logs one warning, deletes the entry, computes and stores it again, and returns the
   * right value; the call after that is a hit; one entry is left.
   */
  private void checkFlipsAreRecomputed(Memory memory, boolean signed) throws Exception {
    MemorizedFn1<Integer, MemoFunctions.Series> series = memory.cache(MemoFunctions.series(log));
    MemoFunctions.Series want = MemoFunctions.Series.of(2);
    assertThat(series.apply(2)).isEqualTo(want);
    EntryKey key = keyOf(series, 2);
    int calls = 1;
    try (LogCapture logs = new LogCapture()) {
      for (Flip flip : flips(signed)) {
        rewriteOutput(
            location,
            key,
            dump -> {
              dump[flip.offset().applyAsInt(dump)] ^= (byte) flip.mask();
              return dump;
            });
        int warnings = logs.messages(java.util.logging.Level.WARNING).size();

        assertThat(series.apply(2)).as("after a flip in %s", flip.where()).isEqualTo(want);
        assertThat(calls()).as("computations after a flip in %s", flip.where()).hasSize(++calls);
        assertThat(logs.messages(java.util.logging.Level.WARNING))
            .as("warnings after a flip in %s", flip.where())
            .hasSize(warnings + 1)
            .last()
            .asString()
            .contains("Exception while loading results for");
        assertThat(series.apply(2)).as("the entry stored again").isEqualTo(want);
        assertThat(calls()).as("a hit after the recomputation").hasSize(calls);
        assertThat(entries()).as("entries after a flip in %s", flip.where()).hasSize(1);
      }
    }
  }

  @Test
  void clearDeletesAFunctionsResultsOrEverything() throws Exception {
    Memory memory = memory();
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    MemorizedFn2<Integer, Boolean, Integer> cube = memory.cache(MemoFunctions.cube(log));
    square.apply(1);
    cube.apply(1, true);

    square.clear();
    assertThat(square.isCached(1)).isFalse();
    assertThat(cube.isCached(1, true)).isTrue();
    memory.clear();
    assertThat(cube.isCached(1, true)).isFalse();
    assertThat(entries()).isEmpty();
    assertThat(square.apply(1)).isEqualTo(1);
    assertThat(entries()).hasSize(1);
  }

  @Test
  void reduceSizeEvictsTheLeastRecentlyUsed() throws Exception {
    Memory memory = memory();
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    for (int i = 1; i <= 4; i++) {
      square.apply(i);
    }
    for (int i = 1; i <= 4; i++) {
      store().touch(keyOf(square, i), Instant.now().minus(Duration.ofHours(10 - i)));
    }

    assertThat(memory.reduceSize(null, 3, null)).isEqualTo(1);
    assertThat(memory.reduceSize(null, null, Duration.ofMinutes(450))).isEqualTo(1);
    long entryBytes = entries().get(0).sizeBytes();
    assertThat(memory.reduceSize(entryBytes + entryBytes / 2, null, null)).isEqualTo(1);

    assertThat(IntStream.rangeClosed(1, 4).filter(square::isCached).boxed().toList())
        .containsExactly(4);
  }

  @Test
  void maxBytesKeepsTheStoreSmall() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    square.apply(0);
    long entryBytes = entries().get(0).sizeBytes();
    memory().clear();
    MemorizedFn1<Integer, Integer> bounded =
        memory(Memory.builder().maxBytes(3 * entryBytes + entryBytes / 2))
            .cache(MemoFunctions.square(log));

    for (int i = 1; i <= 8; i++) {
      bounded.apply(i);
    }

    assertThat(entries()).hasSize(3);
    assertThat(IntStream.rangeClosed(1, 8).filter(bounded::isCached).boxed().toList())
        .containsExactly(6, 7, 8);
  }

  @Test
  void concurrentCallsOfOneKeyComputeOnce() throws Exception {
    MemorizedFn1<Integer, String> slow = memory().cache(MemoFunctions.slowLabel(log));
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return slow.apply(1);
                }));
      }
      for (Future<String> result : results) {
        assertThat(result.get()).startsWith("label-1-").hasSize(1008);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls()).hasSize(1);
  }

  @Test
  void aMemoisedFunctionRunsInsideParallelOnThreads() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    List<Integer> inputs = List.of(1, 2, 3, 2, 1, 4, 5, 6);

    List<Integer> first = Parallel.create().nJobs(2).backend("threads").map(inputs, square);
    List<Integer> second = Parallel.create().nJobs(2).backend("threads").map(inputs, square);

    List<Integer> expected = inputs.stream().map(x -> x * x).toList();
    assertThat(first).isEqualTo(expected);
    assertThat(second).isEqualTo(expected);
    assertThat(calls()).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void aMemoisedFunctionRunsInsideParallelOnProcesses() throws Exception {
    assumeTrue(
        dev.joblib.internal.BackendRegistry.has("processes"),
        "the processes backend is not on the class path");
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    List<Integer> inputs = IntStream.range(0, 12).boxed().toList();

    List<Integer> first = Parallel.create().nJobs(2).backend("processes").map(inputs, square);
    List<Integer> second = Parallel.create().nJobs(2).backend("processes").map(inputs, square);

    List<Integer> expected = inputs.stream().map(x -> x * x).toList();
    assertThat(first).isEqualTo(expected);
    assertThat(second).isEqualTo(expected);
    assertThat(calls()).hasSize(12).doesNotHaveDuplicates(); // each key once across the workers
    assertThat(square.isCached(11)).isTrue();
  }

  @Test
  void resultsComputedInOneJvmAreHitsInAnother() throws Exception {
    String options = MemoChild.options(storeOptions());

    String first = Jvms.run(MemoChild.class, "square", location, log, options, "3", "4");
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    assertThat(square.isCached(3)).isTrue();
    String second = Jvms.run(MemoChild.class, "square", location, log, options, "3", "4", "5");

    assertThat(first).contains("result 9", "result 16");
    assertThat(second).contains("result 9", "result 16", "result 25");
    assertThat(calls()).containsExactly("square 3", "square 4", "square 5");
  }

  @Test
  void callAndShelveInAWorkerJvmHandsBackAReference() throws Exception {
    MemorizedFn1<Integer, Integer> square = memory().cache(MemoFunctions.square(log));
    Path fnFile = scratch.resolve("fn.ser");
    Path resultFile = scratch.resolve("result.ser");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(fnFile))) {
      out.writeObject(square);
    }

    Jvms.run(MemoChild.class, "shelve", fnFile.toString(), resultFile.toString(), "6");

    MemorizedResult<Integer> result;
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(resultFile))) {
      @SuppressWarnings("unchecked")
      MemorizedResult<Integer> read = (MemorizedResult<Integer>) in.readObject();
      result = read;
    }
    assertThat(result.get()).isEqualTo(36);
    assertThat(square.apply(6)).isEqualTo(36);
    assertThat(calls()).containsExactly("square 6");
  }

  @Test
  void eightJvmsComputingOneKeyAllGetTheValueAndLeaveOneEntry() throws Exception {
    Path go = scratch.resolve("go");
    String options = MemoChild.options(storeOptions());
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        children.add(
            Jvms.start(MemoChild.class, "race", location, log, go.toString(), "7", options));
      }
      List<BufferedReader> outputs = new ArrayList<>();
      for (Process child : children) {
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("ready");
        outputs.add(reader);
      }
      Files.createFile(go);
      for (int i = 0; i < children.size(); i++) {
        StringBuilder text = new StringBuilder();
        for (String line; (line = outputs.get(i).readLine()) != null; ) {
          text.append(line).append('\n');
        }
        assertThat(children.get(i).waitFor()).as("exit code, output: %s", text).isZero();
        assertThat(text.toString()).contains("result label-7 1008");
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }

    assertThat(calls()).hasSizeBetween(1, 8);
    assertThat(entries()).hasSize(1);
    MemorizedFn1<Integer, String> slow = memory().cache(MemoFunctions.slowLabel(log));
    int before = calls().size();
    assertThat(slow.apply(7)).startsWith("label-7-").hasSize(1008);
    assertThat(calls()).hasSize(before);
  }
}
