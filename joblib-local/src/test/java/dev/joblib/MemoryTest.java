package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.internal.memory.MemoryInternals;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryTest {
  @TempDir Path dir;
  private Path location;
  private String log;

  @BeforeEach
  void setUp() {
    location = dir.resolve("cache");
    log = dir.resolve("calls.log").toString();
  }

  private List<String> calls() throws IOException {
    return MemoFunctions.calls(log);
  }

  private List<Path> outputs() throws IOException {
    Path root = location.resolve("joblib");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().equals("output.joblib")).toList();
    }
  }

  @Test
  void computesEachCallOnceThenLoadsIt() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));

    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(4)).isEqualTo(16);
    MemorizedFn1<Integer, Integer> again =
        Memory.at(location.toString()).cache(MemoFunctions.square(log));
    assertThat(again.apply(3)).isEqualTo(9);

    assertThat(calls()).containsExactly("square 3", "square 4");
    assertThat(square.isCached(3)).isTrue();
    assertThat(square.isCached(5)).isFalse();
    assertThat(calls()).hasSize(2);
  }

  @Test
  void aNullLocationCachesNothing() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at((Path) null).cache(MemoFunctions.square(log));

    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.apply(3)).isEqualTo(9);
    assertThat(square.isCached(3)).isFalse();
    MemorizedResult<Integer> shelved = square.callAndShelve(3);

    assertThat(shelved.get()).isEqualTo(9);
    assertThat(calls()).hasSize(3);
    assertThat(Memory.at((Path) null).reduceSize(0L, 0, Duration.ZERO)).isZero();
    assertThat(Memory.at((String) null).location()).isEmpty();
  }

  /**
   * joblib's {@code NotMemorizedResult}: a Memory without a location keeps the value in the
   * reference, and its {@code clear()} drops it, so {@code get()} fails as a stored result's does.
   */
  @Test
  void getAfterClearFailsWithOrWithoutALocation() throws Exception {
    for (Memory memory : List.of(Memory.at((Path) null), Memory.at(location))) {
      MemorizedResult<Integer> shelved = memory.cache(MemoFunctions.square(log)).callAndShelve(3);
      assertThat(shelved.get()).as("%s", memory).isEqualTo(9);

      shelved.clear();

      assertThatThrownBy(shelved::get)
          .as("%s", memory)
          .isInstanceOf(JoblibException.class)
          .hasMessageContaining("cleared")
          .hasMessageContaining(shelved.argsId());
      shelved.clear(); // again: nothing to do
    }
  }

  @Test
  void entriesAreLaidOutLikeJoblibsWithMetadata() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    Instant before = Instant.now();

    square.apply(7);

    assertThat(Files.readString(location.resolve(".gitignore"))).contains("*");
    assertThat(square.functionId()).startsWith("dev.joblib.MemoFunctions/lambda$square$");
    List<Path> outputs = outputs();
    assertThat(outputs).hasSize(1);
    Path entry = outputs.get(0).getParent();
    assertThat(location.resolve("joblib").relativize(entry.getParent()).toString())
        .isEqualTo(square.functionId());
    assertThat(entry.getFileName().toString()).matches("[0-9a-f]{32}");
    CacheMetadata metadata =
        MemoryInternals.decodeMetadata(Files.readAllBytes(entry.resolve("metadata.json")));
    assertThat(metadata.function()).isEqualTo(square.functionId());
    assertThat(metadata.argsId()).isEqualTo(entry.getFileName().toString());
    assertThat(metadata.time()).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
    assertThat(metadata.inputArgs()).containsValue("7").hasSize(1);
    assertThat(metadata.outputBytes()).isEqualTo(Files.size(outputs.get(0)));
    assertThat(Files.readString(entry.getParent().resolve("func_code.json")))
        .contains(metadata.codeHash());
    assertThat(Joblib.<Integer>load(outputs.get(0))).isEqualTo(49);
  }

  @Test
  void capturedValuesArePartOfTheKey() throws Exception {
    Memory memory = Memory.at(location);
    String otherLog = dir.resolve("other.log").toString();

    memory.cache(MemoFunctions.square(log)).apply(2);
    memory.cache(MemoFunctions.square(otherLog)).apply(2);
    memory.cache(MemoFunctions.square(log)).apply(2);

    assertThat(calls()).containsExactly("square 2");
    assertThat(MemoFunctions.calls(otherLog)).containsExactly("square 2");
    assertThat(outputs()).hasSize(2);
  }

  @Test
  void expiredEntriesAreRecomputed() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    square.apply(5);

    MemorizedFn1<Integer, Integer> fresh =
        square.cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1)));
    assertThat(fresh.apply(5)).isEqualTo(25);
    assertThat(calls()).hasSize(1);

    Thread.sleep(20);
    MemorizedFn1<Integer, Integer> shortLived =
        square.cacheValidation(CacheValidation.expiresAfter(Duration.ofMillis(10)));
    assertThat(shortLived.isCached(5)).isFalse();
    assertThat(shortLived.apply(5)).isEqualTo(25);
    assertThat(calls()).hasSize(2);
    assertThat(outputs()).hasSize(1);

    MemorizedFn1<Integer, Integer> onlyQuick =
        square
            .cacheValidation(m -> m.duration().compareTo(Duration.ofDays(1)) < 0)
            .cacheValidation(m -> m.inputArgs().containsValue("5"));
    assertThat(onlyQuick.apply(5)).isEqualTo(25);
    assertThat(calls()).hasSize(2);
    assertThatThrownBy(() -> CacheValidation.expiresAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAge");
  }

  @Test
  void exceptionsAreNotCached() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    MemorizedFn1<Integer, Integer> failing =
        Memory.at(location)
            .cache(
                (Integer x) -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw new IOException("flaky " + x);
                  }
                  return x + 1;
                })
            .version("1");

    assertThatThrownBy(() -> failing.apply(1))
        .isInstanceOf(MemorizedCallException.class)
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("flaky 1");
    assertThat(failing.apply(1)).isEqualTo(2);
    assertThat(failing.apply(1)).isEqualTo(2);
    assertThat(attempts).hasValue(2);
  }

  @Test
  void nullResultsAreCached() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    MemorizedFn0<String> nothing =
        Memory.at(location)
            .cache(
                () -> {
                  runs.incrementAndGet();
                  return (String) null;
                })
            .version("1");

    assertThat(nothing.call()).isNull();
    assertThat(nothing.call()).isNull();
    assertThat(runs).hasValue(1);
  }

  @Test
  void corruptAndTruncatedEntriesAreDeletedAndRecomputed() throws Exception {
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    try (LogCapture logs = new LogCapture()) {
      square.apply(6);
      Path output = outputs().get(0);

      try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
        file.setLength(file.length() / 2);
      }
      assertThat(square.apply(6)).isEqualTo(36);
      assertThat(calls()).hasSize(2);
      assertThat(square.apply(6)).isEqualTo(36);
      assertThat(calls()).hasSize(2);

      byte[] bytes = Files.readAllBytes(output);
      bytes[bytes.length / 2] ^= 0x5a;
      Files.write(output, bytes);
      assertThat(square.apply(6)).isEqualTo(36);
      assertThat(calls()).hasSize(3);

      Files.write(output, new byte[0]);
      assertThat(square.apply(6)).isEqualTo(36);
      assertThat(calls()).hasSize(4);

      assertThat(logs.messages(Level.WARNING))
          .hasSize(3)
          .allSatisfy(m -> assertThat(m).contains("Exception while loading results for"));
      assertThat(Joblib.<Integer>load(outputs().get(0))).isEqualTo(36);
    }
  }

  /**
   * A mapping Memory hands out a view of the entry's file instead of a copy, so a bit flipped in an
   * out-of-band block must be caught before the mapping is returned: it is (the block's CRC32C is
   * checked over the mapping), the entry is recomputed with one warning.
   */
  @Test
  void aMappedEntryWithAFlippedBitIsRecomputedNotHandedOut() throws Exception {
    int n = 4096;
    DoubleBuffer want = DoubleBuffer.wrap(MemoFunctions.ramp(n));
    MemorizedFn1<Integer, DoubleBuffer> ramp =
        Memory.builder().location(location).mmap(true).build().cache(MemoFunctions.rampBuffer(log));
    assertThat(ramp.apply(n)).isEqualTo(want);
    assertThat(ramp.apply(n)).isEqualTo(want).satisfies(b -> assertThat(b.isReadOnly()).isTrue());
    Path output = outputs().get(0);
    byte[] bytes = Files.readAllBytes(output);
    // the block is the last one, followed by its CRC32C and the end marker
    bytes[bytes.length - 8 - 8 * n / 2 + 3] ^= 0x01;
    Files.write(output, bytes);

    try (LogCapture logs = new LogCapture()) {
      assertThat(ramp.apply(n)).isEqualTo(want);
      assertThat(logs.messages(Level.WARNING))
          .singleElement()
          .asString()
          .contains("Exception while loading results for", "checksum mismatch in block 0");
    }
    assertThat(ramp.apply(n)).isEqualTo(want);
    assertThat(calls()).containsExactly("rampBuffer " + n, "rampBuffer " + n);
  }

  @Test
  void unreadableMetadataMakesAValidatedEntryRecompute() throws Exception {
    MemorizedFn1<Integer, Integer> square =
        Memory.at(location)
            .cache(MemoFunctions.square(log))
            .cacheValidation(CacheValidation.expiresAfter(Duration.ofHours(1)));
    square.apply(8);
    Files.writeString(outputs().get(0).resolveSibling("metadata.json"), "{\"time\": ");

    assertThat(square.apply(8)).isEqualTo(64);
    assertThat(square.apply(8)).isEqualTo(64);

    assertThat(calls()).hasSize(2);
  }

  @Test
  void storeFailuresCostAComputationNotTheCall() throws Exception {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "I am a file");
    MemorizedFn1<Integer, Integer> square =
        Memory.at(notADirectory).cache(MemoFunctions.square(log));
    try (LogCapture logs = new LogCapture()) {
      assertThat(square.apply(2)).isEqualTo(4);
      assertThat(square.apply(2)).isEqualTo(4);
      MemorizedResult<Integer> shelved = square.callAndShelve(2);
      assertThat(shelved.get()).isEqualTo(4);
      // the store cannot delete what it never wrote, but the value kept in this JVM goes
      assertThatThrownBy(shelved::clear).isInstanceOf(java.io.UncheckedIOException.class);
      assertThatThrownBy(shelved::get).isInstanceOf(JoblibException.class);

      assertThat(calls()).hasSize(3);
      assertThat(logs.messages(Level.WARNING)).isNotEmpty();
      assertThat(logs.messages(Level.WARNING))
          .anySatisfy(m -> assertThat(m).contains("unable to cache"));
    }

    MemorizedFn1<Integer, Integer> good = Memory.at(location).cache(MemoFunctions.square(log));
    good.apply(3);
    Path output = outputs().get(0);
    Files.delete(output);
    Files.createDirectory(output); // reading it now fails with an I/O error
    assertThat(good.apply(3)).isEqualTo(9);
  }

  @Test
  void memoisedFunctionsAndResultsSerialize() throws Exception {
    MemorizedFn1<Integer, Integer> square =
        Memory.builder().location(location).verbose(0).build().cache(MemoFunctions.square(log));
    square.apply(9);

    MemorizedFn1<Integer, Integer> copy = roundTrip(square);
    assertThat(copy.apply(9)).isEqualTo(81);
    assertThat(calls()).hasSize(1);

    MemorizedResult<Integer> shelved = roundTrip(copy.callAndShelve(10));
    assertThat(calls()).hasSize(2);
    assertThat(shelved.get()).isEqualTo(100);
    assertThat(shelved.toString()).contains(square.functionId()).contains(shelved.argsId());
    assertThat(square.callAndShelve(10).argsId()).isEqualTo(shelved.argsId());
    assertThat(calls()).hasSize(2);

    shelved.clear();
    assertThat(square.isCached(10)).isFalse();
    assertThatThrownBy(shelved::get)
        .isInstanceOf(JoblibException.class)
        .hasMessageContaining("may have been cleared")
        .hasMessageContaining(shelved.argsId());
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
  void clearDeletesAFunctionsResultsOrEverything() throws Exception {
    Memory memory = Memory.at(location);
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    MemorizedFn2<Integer, Boolean, Integer> cube = memory.cache(MemoFunctions.cube(log));
    square.apply(1);
    square.apply(2);
    cube.apply(1, true);

    square.clear();
    assertThat(square.isCached(1)).isFalse();
    assertThat(cube.isCached(1, true)).isTrue();
    square.apply(1);
    assertThat(calls()).hasSize(4);

    memory.clear();
    assertThat(outputs()).isEmpty();
    assertThat(cube.isCached(1, true)).isFalse();
    cube.apply(1, true);
    assertThat(calls()).hasSize(5);
  }

  @Test
  void anExplicitVersionReplacesTheCodeHash() throws Exception {
    MemorizedFn1<Integer, Integer> v1 =
        Memory.at(location).cache(MemoFunctions.square(log)).version("1");
    v1.apply(2);
    v1.apply(2);
    MemorizedFn1<Integer, Integer> v2 =
        Memory.at(location).cache(MemoFunctions.square(log)).version("2");
    v2.apply(2);

    assertThat(calls()).hasSize(2);
    assertThat(v1.isCached(2)).isFalse(); // v2 cleared the results of v1, as joblib does
    assertThatThrownBy(() -> v1.version(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verboseLinesLookLikeJoblibs() throws Exception {
    MemorizedFn1<Integer, Integer> square =
        Memory.builder().location(location).verbose(2).build().cache(MemoFunctions.square(log));
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      square.apply(11);
      square.apply(11);
    } finally {
      System.setErr(saved);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("[Memory] Calling dev.joblib.MemoFunctions.lambda$square$")
        .containsPattern("MemoFunctions\\.lambda\\$square\\$[\\w$]+\\(\\w+=11\\)")
        .containsPattern("_+MemoFunctions\\.lambda\\$square\\$[\\w$]+ - \\d+\\.\\ds, \\d+\\.\\dmin")
        .contains("[Memory] Loading MemoFunctions.lambda$square$");
  }

  @Test
  void reduceSizeEvictsByBytesItemsAndAge() throws Exception {
    Memory memory = Memory.at(location);
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    for (int i = 1; i <= 6; i++) {
      square.apply(i);
    }
    // make 1 the oldest and 6 the newest access, hours apart
    var store = MemoryInternals.store(memory);
    List<dev.joblib.spi.EntryInfo> infos;
    try (var listing = store.list()) {
      infos = listing.toList();
    }
    assertThat(infos).hasSize(6);
    for (int i = 1; i <= 6; i++) {
      store.touch(
          new dev.joblib.spi.EntryKey(square.functionId(), square.callAndShelve(i).argsId()),
          Instant.now().minus(Duration.ofHours(10 - i)));
    }

    assertThat(memory.reduceSize(null, 5, null)).isEqualTo(1);
    assertThat(square.isCached(1)).isFalse();
    assertThat(memory.reduceSize(null, null, Duration.ofMinutes(450)))
        .isEqualTo(1); // only 2 is older (8h)
    assertThat(square.isCached(2)).isFalse();
    long oneEntry = infos.get(0).sizeBytes();
    assertThat(memory.reduceSize(2 * oneEntry + oneEntry / 2, null, null)).isEqualTo(2);
    assertThat(square.isCached(3)).isFalse();
    assertThat(square.isCached(4)).isFalse();
    assertThat(square.isCached(5)).isTrue();
    assertThat(square.isCached(6)).isTrue();
    assertThat(memory.reduceSize(null, null, null)).isZero();
    assertThat(memory.reduceSize(0L, null, null)).isEqualTo(2);
    assertThat(outputs()).isEmpty();
    assertThatThrownBy(() -> memory.reduceSize(-1L, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytesLimit");
  }

  @Test
  void maxBytesEvictsTheLeastRecentlyUsedAfterWrites() throws Exception {
    Memory probe = Memory.at(dir.resolve("probe"));
    probe.cache(MemoFunctions.square(log)).apply(0);
    long entryBytes;
    try (var listing = MemoryInternals.store(probe).list()) {
      entryBytes = listing.findFirst().orElseThrow().sizeBytes();
    }
    Memory memory = Memory.builder().location(location).maxBytes(3 * entryBytes + 10).build();
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));

    for (int i = 1; i <= 10; i++) {
      square.apply(i);
    }

    assertThat(outputs()).hasSize(3);
    assertThat(IntStream.rangeClosed(1, 10).filter(i -> square.isCached(i)).boxed().toList())
        .containsExactly(8, 9, 10);
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> Memory.at("nosuchscheme://bucket/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nosuchscheme")
        .hasMessageContaining("file");
    // hdfs:, s3:, s3a: without their libraries: OptionalLibrariesTest (they are on this class path)
    assertThatThrownBy(
            () ->
                Memory.builder()
                    .location(location)
                    .mmap(true)
                    .compression(Compression.lz4())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mmap");
    assertThatThrownBy(() -> Memory.builder().maxBytes(10).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("location");
    assertThatThrownBy(() -> Memory.builder().location(location).location(location))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("location was already set");
    assertThatThrownBy(() -> Memory.builder().maxBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Memory.builder().signingKey(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> Memory.at(location).cache((Fn1<Integer, Integer>) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void argumentsThatCannotBeHashedAreReportedClearly() {
    MemorizedFn1<Object, String> describe =
        Memory.at(location).cache((Object o) -> String.valueOf(o)).version("1");

    assertThatThrownBy(() -> describe.apply(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hash the arguments of");
  }

  @Test
  void compressedAndSignedEntriesRoundTrip() throws Exception {
    Memory memory =
        Memory.builder()
            .location(location)
            .compression(Compression.zlib(3))
            .signingKey("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8))
            .build();
    MemorizedFn1<Integer, Integer> square = memory.cache(MemoFunctions.square(log));
    square.apply(12);
    assertThat(square.apply(12)).isEqualTo(144);
    assertThat(calls()).hasSize(1);

    MemorizedFn1<Integer, Integer> otherKey =
        Memory.builder()
            .location(location)
            .compression(Compression.zlib(3))
            .signingKey("another key, 16 bytes or more".getBytes(StandardCharsets.UTF_8))
            .build()
            .cache(MemoFunctions.square(log));
    assertThat(otherKey.apply(12)).isEqualTo(144); // refused as forged, recomputed
    assertThat(calls()).hasSize(2);
  }

  @Test
  void mmapLoadsLargeArraysFromTheLocalStore() throws Exception {
    Memory memory = Memory.builder().location(location).mmap(true).build();
    MemorizedFn1<Integer, double[]> ramp =
        memory.cache((Integer n) -> IntStream.range(0, n).asDoubleStream().toArray()).version("1");

    double[] first = ramp.apply(100_000);
    double[] second = ramp.apply(100_000);

    assertThat(second).isEqualTo(first);
    assertThat(second[99_999]).isEqualTo(99_999.0);
  }

  @Test
  void jdkMethodReferencesAndClassesImplementingFnAreIdentified() throws Exception {
    Memory memory = Memory.at(location);
    MemorizedFn1<Double, Double> sqrt = memory.cache(Math::sqrt);
    assertThat(sqrt.functionId()).isEqualTo("java.lang.Math/sqrt");
    assertThat(sqrt.apply(16.0)).isEqualTo(4.0);
    assertThat(sqrt.isCached(16.0)).isTrue();

    PlusOne plusOne = new PlusOne(1);
    MemorizedFn1<Integer, Integer> cached = memory.cache(plusOne).version("1");
    assertThat(cached.functionId()).isEqualTo("dev.joblib.MemoryTest$PlusOne/apply");
    assertThat(cached.apply(1)).isEqualTo(2);
    assertThat(cached.apply(1)).isEqualTo(2);
    assertThat(PlusOne.RUNS).hasValue(1);
    assertThat(memory.cache(new PlusOne(2)).version("1").isCached(1)).isFalse(); // fields count
  }

  /** A function object whose fields are part of its key. */
  static final class PlusOne implements Fn1<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger RUNS = new AtomicInteger();
    private final int step;

    PlusOne(int step) {
      this.step = step;
    }

    @Override
    public Integer apply(Integer x) {
      RUNS.incrementAndGet();
      return x + step;
    }
  }

  @Test
  void valuesAFunctionCapturesThatCannotBeHashedAreRefusedWhenCaching() {
    Object notHashable = new Object();
    assertThatThrownBy(() -> Memory.at(location).cache((Integer x) -> x + notHashable.hashCode()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("captures a value that cannot be hashed");
  }
}
