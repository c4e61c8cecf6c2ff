package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.internal.io.CompressorRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A few bytes must not demand gigabytes: hostile files that declare huge blocks, huge arrays in the
 * object graph, or decompress to 10 GiB are refused with a {@link PersistenceException} by a JVM
 * with a 256 MiB heap, and a cache entry whose load runs out of memory is deleted and recomputed.
 * Each case runs in a child JVM, so that an escaping {@link OutOfMemoryError} cannot take the test
 * JVM down.
 */
class BoundedLoadTest {
  private static final List<String> SMALL_HEAP = List.of("-Xmx256m");

  /** Just under the JVM's array limit: 16 GiB of doubles. */
  private static final long HUGE = Integer.MAX_VALUE - 16;

  private static final java.util.concurrent.atomic.AtomicInteger CALLS =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path dir;

  static int counted(int x) {
    CALLS.incrementAndGet();
    return x * x;
  }

  private static String child(String mode, Path file) throws Exception {
    String out = Jvms.finish(Jvms.start(SMALL_HEAP, BoundedLoadChild.class, mode, file.toString()));
    System.out.println(
        "[BoundedLoadTest] "
            + mode
            + " "
            + file.getFileName()
            + ": "
            + out.trim().replace('\n', '|'));
    return out;
  }

  private static byte[] hugeBlockBody(long count) {
    return HostileDumps.withBlockCount(HostileDumps.body(new double[2048]), 0, count, true);
  }

  @ParameterizedTest
  @ValueSource(longs = {HUGE, 1L << 31})
  void aHundredByteStreamDeclaringAHugeDoubleBlockIsRefused(long count) throws Exception {
    byte[] dump = HostileDumps.dump(CompressorRegistry.NONE, hugeBlockBody(count));
    assertThat(dump.length).isLessThan(300);
    Path file = Files.write(dir.resolve("huge-block-" + count), dump);

    assertThat(child("stream", file)).contains("REFUSED");
    assertThat(child("file", file)).contains("REFUSED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "gzip", "lz4", "xz", "zstd"})
  void aSmallCompressedFileDeclaringAHugeDoubleBlockIsRefused(String compressor) throws Exception {
    byte[] dump = HostileDumps.dump(compressor, hugeBlockBody(HUGE));
    assertThat(dump.length).isLessThan(500);
    Path file = Files.write(dir.resolve("huge-block." + compressor), dump);

    assertThat(child("file", file)).contains("REFUSED");
    assertThat(child("stream", file)).contains("REFUSED");
    assertThat(child("file-unlimited", file)).contains("REFUSED TRUNCATED");
  }

  @Test
  void aCompressedBombOfTenGibibytesIsRefused() throws Exception {
    long tenGiB = 10L << 30;
    Path file = dir.resolve("bomb.zst");
    // a valid graph and table declaring one block of 10 GiB, then 10 GiB of zeros, compressed
    // as they stream by: the file is small and 10 GiB never exists anywhere
    byte[] graph = HostileDumps.graph(new double[2048]);
    byte[] start = HostileDumps.bodyStart(graph, 8, tenGiB / 8);
    var zstd = CompressorRegistry.require("zstd");
    try (OutputStream raw = Files.newOutputStream(file)) {
      raw.write(HostileDumps.header("zstd"));
      try (OutputStream z = zstd.compress(HostileDumps.nonClosing(raw), 1)) {
        z.write(start);
        z.write(new byte[Format.padding(HostileDumps.header("zstd").length + start.length)]);
        byte[] zeros = new byte[1 << 20];
        for (long done = 0; done < tenGiB; done += zeros.length) {
          z.write(zeros);
        }
        z.write(new byte[4]);
        z.write("JEND".getBytes());
      }
    }
    assertThat(Files.size(file)).isLessThan(16L << 20);
    System.out.println(
        "[BoundedLoadTest] the 10 GiB bomb is a file of " + Files.size(file) + " bytes");

    assertThat(child("file", file)).contains("REFUSED");
    assertThat(child("stream", file)).contains("REFUSED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"double", "String"})
  void anArrayInTheObjectGraphDeclaringGigabytesIsRefused(String type) throws Exception {
    Object small = type.equals("double") ? new double[77] : new String[77];
    byte[] graph = HostileDumps.graph(small);
    // the array's length follows its class descriptor: TC_NULL (no superclass), then 77
    int at = indexOf(graph, new byte[] {0x70, 0, 0, 0, 77});
    assertThat(at).isPositive();
    HostileDumps.le(graph).order(java.nio.ByteOrder.BIG_ENDIAN).putInt(at + 1, 1 << 29);
    Path file = Files.write(dir.resolve("graph-array-" + type), HostileDumps.dumpOfGraph(graph));

    assertThat(child("file", file)).contains("REFUSED");
    assertThat(child("stream", file)).contains("REFUSED");
  }

  @Test
  void aCacheEntryWhoseLoadRunsOutOfMemoryIsDeletedAndRecomputed() throws Exception {
    String out = child("memory-hog", dir.resolve("cache"));

    // computed, recomputed after the bad entry was deleted, then a hit on the new entry
    assertThat(out).contains("MEMORY square=144 square=144 square=144 calls=2");
  }

  @Test
  void theDecompressionLimitIsAnOptionCheckedUpFront() {
    assertThat(LoadOptions.defaults().maxDecompressedBytes())
        .isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(LoadOptions.defaults().withMaxDecompressedBytes(1 << 20).maxDecompressedBytes())
        .isEqualTo(1 << 20);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LoadOptions.defaults().withMaxDecompressedBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDecompressedBytes")
        .hasMessageContaining("0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zlib", "gzip", "lz4", "xz", "zstd"})
  void decompressionStopsAtTheLimit(String compressor) {
    double[] value = new double[1 << 17]; // 1 MiB
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Joblib.dump(value, out, DumpOptions.defaults().withCompression(Compression.of(compressor)));
    byte[] dump = out.toByteArray();
    long declared = HostileDumps.graph(value).length + (1L << 20);

    // declared over the limit: refused before decompressing
    assertRefused(dump, declared - 1, "declares");
    // declared at the limit: the checksums and the end marker go past it, and reading stops there
    assertRefused(dump, declared, "decompresses to more than");
    double[] back =
        Joblib.load(
            new java.io.ByteArrayInputStream(dump),
            LoadOptions.defaults().withMaxDecompressedBytes(declared + 4096));
    assertThat(back).isEqualTo(value);
  }

  private static void assertRefused(byte[] dump, long limit, String why) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Joblib.load(
                    new java.io.ByteArrayInputStream(dump),
                    LoadOptions.defaults().withMaxDecompressedBytes(limit)))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining(why);
  }

  @Test
  void theTemporaryCopyOfASignedStreamIsCapped() {
    byte[] key = "a-key-of-sixteen-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    double[] value = new java.util.Random(1).doubles(1 << 19).toArray(); // 4 MiB, incompressible
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Joblib.dump(value, out, DumpOptions.sign(key));
    byte[] dump = out.toByteArray();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Joblib.load(
                    new java.io.ByteArrayInputStream(dump),
                    LoadOptions.verify(key).withMaxDecompressedBytes(1 << 20)))
        .isInstanceOfSatisfying(
            PersistenceException.class,
            e -> assertThat(e.reason()).isEqualTo(PersistenceException.Reason.REFUSED))
        .hasMessageContaining("temporary copy");
    double[] back = Joblib.load(new java.io.ByteArrayInputStream(dump), LoadOptions.verify(key));
    assertThat(back).isEqualTo(value);
  }

  @Test
  void aMetadataFileNestedAHundredThousandDeepIsACorruptEntry() throws Exception {
    MemorizedFn1<Integer, Integer> f =
        Memory.at(dir.resolve("nested")).cache(BoundedLoadTest::counted).cacheValidation(m -> true);
    assertThat(f.apply(7)).isEqualTo(49);
    Path metadata;
    try (var files = Files.walk(dir.resolve("nested"))) {
      metadata =
          files.filter(p -> p.getFileName().toString().equals("metadata.json")).findFirst().get();
    }
    int depth = 100_000;
    Files.writeString(metadata, "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth));

    assertThat(f.apply(7)).isEqualTo(49);
    assertThat(CALLS).hasValue(2);
    assertThat(f.apply(7)).isEqualTo(49);
    assertThat(CALLS).hasValue(2);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The writer's alignment of raw blocks (Format.ALIGN). */
  private static final class Format {
    static int padding(long position) {
      return (int) ((64 - (position % 64)) % 64);
    }
  }
}
