package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spi.Compressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated dumps and cache entries, for every registered compressor: bit flips, truncation, length
 * and count fields set to huge values (with their checksums fixed, so the load gets past them),
 * bytes overwritten at random and random bodies. Every load returns an equal value or throws a
 * {@link PersistenceException}; a Memory call always returns the right value. Each case may
 * allocate at most 64 MiB. 10,000 cases per build (9,000 dumps, 1,000 cache entries); {@code
 * -Djoblib.fuzz.rounds=N} runs each case N times with other random choices (docs/persistence.md).
 *
 * <p>The cases come from one seeded generator: the compressors in turn, each case with its own seed
 * drawn from {@code -Djoblib.fuzz.seed} (fixed by default, so a build is reproducible; a failure
 * names the case's compressor and seed, and {@code -Djoblib.fuzz.seed=random} draws a new one).
 */
class LoadFuzzTest {
  private static final int ROUNDS = Integer.getInteger("joblib.fuzz.rounds", 1);
  private static final long SEED = seed(System.getProperty("joblib.fuzz.seed", "20261202"));
  private static final int DUMP_CASES = 9000;
  private static final int ENTRY_CASES = 1000;
  private static final long MAX_ALLOCATED = 64L << 20;

  /** Generous: a guard against a hang, not a timing check (measured times are printed). */
  private static final long MAX_NANOS = 30_000_000_000L;

  private static final List<String> COMPRESSORS = compressors();
  private static final Map<String, byte[]> DUMPS = new HashMap<>();
  private static final AtomicLong WORST_NANOS = new AtomicLong();
  private static final AtomicLong WORST_ALLOCATED = new AtomicLong();
  private static final AtomicInteger CASES = new AtomicInteger();
  private static final AtomicInteger REFUSED = new AtomicInteger();
  private static final AtomicInteger CALLS = new AtomicInteger();
  private static final AtomicLong WORST_CALL_NANOS = new AtomicLong();
  private static final AtomicLong WORST_CALL_EXTRA = new AtomicLong();
  private static final Path DIR = tempDir();
  private static final Map<String, MemorizedFn1<Integer, Object[]>> CACHED = new HashMap<>();

  private static List<String> compressors() {
    List<String> names = new ArrayList<>(List.of("none"));
    for (Compressor c : ServiceLoader.load(Compressor.class)) {
      names.add(c.name());
    }
    return List.copyOf(names);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("joblib-fuzz-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A graph with inline and out-of-band arrays, a buffer, collections, strings and numbers. */
  static Object[] value(int k) {
    double[] big = new double[300];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5 + k;
    }
    Map<String, Integer> map = new HashMap<>();
    map.put("a", 1);
    map.put("b" + k, 2);
    return new Object[] {
      k,
      "text " + k,
      big,
      new int[] {1, 2, 3, k},
      new long[200],
      DoubleBuffer.wrap(new double[] {1.5, 2.5, k}),
      new ArrayList<>(List.of("x", "y", List.of(k, 7L))),
      map,
      new String[] {"s", null, "t"}
    };
  }

  private static boolean same(Object[] expected, Object loaded) {
    return loaded instanceof Object[] a && Arrays.deepEquals(expected, a);
  }

  private static byte[] dumpOf(String compressor) {
    return DUMPS.computeIfAbsent(
        compressor,
        c -> {
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
          Joblib.dump(value(0), out, DumpOptions.defaults().withCompression(compression(c)));
          return out.toByteArray();
        });
  }

  private static Compression compression(String name) {
    return name.equals("none") ? Compression.none() : Compression.of(name);
  }

  private static long seed(String given) {
    return given.equals("random") ? new Random().nextLong() : Long.parseLong(given);
  }

  /** Runs {@code cases} cases: the compressors in turn, each case with its own seed. */
  private static void forCases(int cases, long salt, FuzzCase fuzzCase) throws IOException {
    Random seeds = new Random(SEED ^ salt);
    for (int i = 0; i < cases; i++) {
      String compressor = COMPRESSORS.get(i % COMPRESSORS.size());
      long seed = seeds.nextLong();
      try {
        fuzzCase.run(compressor, seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "fuzz case "
                + i
                + " (compressor "
                + compressor
                + ", case seed "
                + seed
                + ", -Djoblib.fuzz.seed="
                + SEED
                + "): "
                + e,
            e);
      }
    }
  }

  /** One fuzz case. */
  @FunctionalInterface
  private interface FuzzCase {
    void run(String compressor, long seed) throws IOException;
  }

  @Test
  void mutatedDumpsLoadEqualOrAreRefused() throws IOException {
    forCases(DUMP_CASES, 1, this::aMutatedDumpLoadsEqualOrIsRefused);
  }

  @Test
  void mutatedCacheEntriesAreLoadedOrRecomputed() throws IOException {
    forCases(ENTRY_CASES, 2, this::aMutatedCacheEntryIsLoadedOrRecomputed);
  }

  private void aMutatedDumpLoadsEqualOrIsRefused(String compressor, long seed) throws IOException {
    for (int round = 0; round < ROUNDS; round++) {
      Random random = new Random(seed + round);
      int kind = random.nextInt(6);
      byte[] bytes = mutate(compressor, kind, random);
      // a field changed with its checksum fixed is a well-formed dump of another value: any
      // value may come back; every other mutation must be caught
      boolean exact = kind != 2;
      check(() -> Joblib.load(new ByteArrayInputStream(bytes)), exact);
      if (random.nextInt(4) == 0) {
        Path file = Files.write(DIR.resolve("fuzz.jbl"), bytes);
        check(() -> Joblib.load(file), exact);
      }
    }
  }

  private static byte[] mutate(String compressor, int kind, Random random) {
    byte[] dump = dumpOf(compressor);
    int header = 7 + compressor.length();
    switch (kind) {
      case 0:
        return Mutations.flipBits(dump, header, random);
      case 1:
        return Arrays.copyOf(dump, random.nextInt(dump.length));
      case 2:
        // a length or count field of the body set to a huge value, checksum fixed, compressed
        byte[] body = Mutations.hugeField(HostileDumps.body(value(0)), random);
        return HostileDumps.dump(compressor, body);
      case 3:
        return Mutations.overwrite(dump, header, random);
      case 4:
        byte[] noise = new byte[random.nextInt(4096)];
        random.nextBytes(noise);
        return HostileDumps.concat(HostileDumps.header(compressor), noise);
      default:
        return Mutations.hugeBytes(dump, header, random);
    }
  }

  /** A load: returns an equal value or throws a PersistenceException, in bounded memory. */
  private static void check(java.util.concurrent.Callable<Object> load, boolean exact) {
    long allocated = allocated();
    long start = System.nanoTime();
    Object back = null;
    Throwable failure = null;
    try {
      back = load.call();
    } catch (Throwable e) {
      failure = e;
    }
    long nanos = System.nanoTime() - start;
    long used = allocated() - allocated;
    record(nanos, used);
    if (failure != null) {
      assertThat(failure).isInstanceOf(PersistenceException.class);
      REFUSED.incrementAndGet();
    } else if (exact) {
      assertThat(same(value(0), back)).as("loaded value equals the dumped one").isTrue();
    }
    assertThat(used).as("bytes allocated by one load").isLessThan(MAX_ALLOCATED);
    assertThat(nanos).as("nanoseconds of one load (hang guard)").isLessThan(MAX_NANOS);
  }

  private static void record(long nanos, long used) {
    CASES.incrementAndGet();
    WORST_NANOS.accumulateAndGet(nanos, Math::max);
    WORST_ALLOCATED.accumulateAndGet(used, Math::max);
  }

  static Object[] compute(int k) {
    CALLS.incrementAndGet();
    return value(k);
  }

  private static final AtomicInteger NEXT_KEY = new AtomicInteger();

  private void aMutatedCacheEntryIsLoadedOrRecomputed(String compressor, long seed)
      throws IOException {
    MemorizedFn1<Integer, Object[]> f =
        CACHED.computeIfAbsent(
            compressor,
            c ->
                Memory.builder()
                    .location(DIR.resolve("cache-" + c))
                    .compression(compression(c))
                    .build()
                    .cache(LoadFuzzTest::compute)
                    .cacheValidation(m -> true));
    for (int round = 0; round < ROUNDS; round++) {
      Random random = new Random(seed + round);
      int k = NEXT_KEY.incrementAndGet();
      long computing = allocated();
      assertThat(f.apply(k)).isEqualTo(value(k));
      // what computing and storing costs (an xz writer alone allocates about 100 MiB)
      long recompute = allocated() - computing;
      Path entry = entryOf(DIR.resolve("cache-" + compressor), k);
      boolean metadata = random.nextInt(4) == 0;
      Path file = entry.resolve(metadata ? "metadata.json" : "output.joblib");
      byte[] bytes = Files.readAllBytes(file);
      byte[] bad = metadata ? Mutations.metadata(bytes, random) : Mutations.any(bytes, random);
      Files.delete(file);
      Files.write(file, bad);

      long allocated = allocated();
      long start = System.nanoTime();
      Object[] back = f.apply(k);
      long nanos = System.nanoTime() - start;
      long used = allocated() - allocated;
      WORST_CALL_NANOS.accumulateAndGet(nanos, Math::max);
      WORST_CALL_EXTRA.accumulateAndGet(used - recompute, Math::max);
      assertThat(back).isEqualTo(value(k));
      assertThat(used - recompute)
          .as("bytes allocated by one call, beyond a recompute")
          .isLessThan(MAX_ALLOCATED);
      assertThat(nanos).as("nanoseconds of one call (hang guard)").isLessThan(MAX_NANOS);
    }
  }

  /** The directory of the entry holding {@code compute(k)}: the one whose output is newest. */
  private static Path entryOf(Path cache, int k) throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      return files
          .filter(p -> p.getFileName().toString().equals("output.joblib"))
          .max(
              (a, b) -> {
                try {
                  return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .orElseThrow()
          .getParent();
    }
  }

  /** Memory warns once per bad entry, with its stack trace: thousands of them here. */
  private static final java.util.logging.Logger MEMORY_LOG =
      java.util.logging.Logger.getLogger("dev.joblib.Memory");

  private static java.util.logging.Level memoryLogLevel;

  @BeforeAll
  static void quiet() {
    memoryLogLevel = MEMORY_LOG.getLevel();
    MEMORY_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  @AfterAll
  static void report() {
    MEMORY_LOG.setLevel(memoryLogLevel);
    System.out.printf(
        "[LoadFuzzTest] seed %d: %d loads (%d refused) over %s: worst %d ms, worst allocation %d"
            + " KiB%n",
        SEED,
        CASES.get(),
        REFUSED.get(),
        COMPRESSORS,
        WORST_NANOS.get() / 1_000_000,
        WORST_ALLOCATED.get() / 1024);
    System.out.printf(
        "[LoadFuzzTest] Memory calls on mutated entries: worst %d ms, worst allocation beyond a"
            + " recompute %d KiB%n",
        WORST_CALL_NANOS.get() / 1_000_000, WORST_CALL_EXTRA.get() / 1024);
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** The mutations. */
  static final class Mutations {
    private Mutations() {}

    static byte[] any(byte[] bytes, Random random) {
      int header = Math.min(bytes.length, 7 + (bytes.length > 6 ? bytes[6] & 0xff : 0));
      switch (random.nextInt(4)) {
        case 0:
          return flipBits(bytes, header, random);
        case 1:
          return Arrays.copyOf(bytes, random.nextInt(bytes.length));
        case 2:
          return overwrite(bytes, header, random);
        default:
          return hugeBytes(bytes, header, random);
      }
    }

    static byte[] flipBits(byte[] bytes, int from, Random random) {
      byte[] b = bytes.clone();
      int flips = 1 + random.nextInt(8);
      for (int i = 0; i < flips; i++) {
        int at = from + random.nextInt(b.length - from);
        b[at] ^= (byte) (1 << random.nextInt(8));
      }
      return b;
    }

    static byte[] overwrite(byte[] bytes, int from, Random random) {
      byte[] b = bytes.clone();
      int at = from + random.nextInt(b.length - from);
      int n = Math.min(b.length - at, 1 + random.nextInt(64));
      byte[] noise = new byte[n];
      random.nextBytes(noise);
      System.arraycopy(noise, 0, b, at, n);
      return b;
    }

    /** Four or eight bytes anywhere set to a huge little- or big-endian value. */
    static byte[] hugeBytes(byte[] bytes, int from, Random random) {
      byte[] b = bytes.clone();
      int width = random.nextBoolean() ? 4 : 8;
      if (b.length - from < width) {
        return b;
      }
      int at = from + random.nextInt(b.length - from - width + 1);
      boolean little = random.nextBoolean();
      for (int i = 0; i < width; i++) {
        b[at + (little ? i : width - 1 - i)] = (byte) (i == width - 1 ? 0x7f : 0xff - i);
      }
      return b;
    }

    /**
     * In an uncompressed body: the graph length, the block count, one block's element count, or a
     * 4-byte big-endian int of the object stream (array lengths, string lengths, handles) set to a
     * huge value, with the checksums fixed.
     */
    static byte[] hugeField(byte[] body, Random random) {
      byte[] b = body.clone();
      int graph = (int) HostileDumps.le(b).getLong(0);
      int table = HostileDumps.tableOffset(b);
      int count = HostileDumps.le(b).getInt(table);
      long huge = random.nextBoolean() ? Integer.MAX_VALUE - 16 : 1L << (20 + random.nextInt(40));
      switch (random.nextInt(4)) {
        case 0:
          HostileDumps.le(b).putLong(0, huge);
          return b;
        case 1:
          HostileDumps.le(b).putInt(table, (int) Math.min(huge, Integer.MAX_VALUE));
          HostileDumps.le(b)
              .putInt(table + 4 + 10 * count, HostileDumps.crc(b, table, 4 + 10 * count));
          return b;
        case 2:
          if (count == 0) {
            return b;
          }
          return HostileDumps.withBlockCount(b, random.nextInt(count), huge, false);
        default:
          int at = 8 + random.nextInt(graph - 4);
          java.nio.ByteBuffer.wrap(b).putInt(at, (int) Math.min(huge, Integer.MAX_VALUE));
          HostileDumps.le(b).putInt(8 + graph, HostileDumps.crc(b, 8, graph));
          return b;
      }
    }

    static byte[] metadata(byte[] bytes, Random random) {
      switch (random.nextInt(3)) {
        case 0:
          return flipBits(bytes, 0, random);
        case 1:
          return Arrays.copyOf(bytes, random.nextInt(bytes.length));
        default:
          int depth = 1 + random.nextInt(200_000);
          return ("{\"a\": ".repeat(depth) + "1" + "}".repeat(depth))
              .getBytes(StandardCharsets.UTF_8);
      }
    }
  }
}
