package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.PersistenceException.Reason;
import dev.joblib.spi.Compressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PersistenceTest {
  private static final byte[] KEY = "0123456789abcdef-secret".getBytes();

  @TempDir Path dir;

  record Point(double x, double y, String label) implements Serializable {}

  /** A mutable node: shared references and cycles. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final List<Node> next = new ArrayList<>();
    Node parent;
    double[] weights;

    Node(String name) {
      this.name = name;
    }
  }

  static Map<String, Object> graph() {
    Node root = new Node("root");
    Node a = new Node("a");
    Node b = new Node("b");
    double[] shared = new SplittableRandom(1).doubles(40_000).toArray(); // 320 KB, out of band
    a.weights = shared;
    b.weights = shared;
    a.parent = root;
    b.parent = root;
    root.next.add(a);
    root.next.add(b);
    b.next.add(root); // cycle
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("root", root);
    m.put("points", List.of(new Point(1, 2, "p"), new Point(-0.0, Double.NaN, "q")));
    m.put("set", new TreeSet<>(Set.of("x", "y", "z")));
    m.put("ints", new int[] {1, 2, 3});
    m.put("longs", new SplittableRandom(2).longs(5_000).toArray());
    m.put("bytes", new byte[5000]);
    m.put("booleans", new boolean[] {true, false, true});
    m.put("chars", "hello world".repeat(200).toCharArray());
    m.put("money", new BigDecimal("12.3400"));
    m.put("when", Instant.parse("2026-11-21T10:15:30Z"));
    m.put("day", LocalDate.of(2026, 11, 21));
    m.put("empty", new HashMap<>());
    m.put("nothing", null);
    m.put("buffer", DoubleBuffer.wrap(new double[] {1.5, 2.5, 3.5}));
    return m;
  }

  @SuppressWarnings("unchecked")
  static void checkGraph(Map<String, Object> back) {
    Map<String, Object> want = graph();
    Node root = (Node) back.get("root");
    Node a = root.next.get(0);
    Node b = root.next.get(1);
    assertThat(a.name).isEqualTo("a");
    assertThat(a.parent).isSameAs(root);
    assertThat(b.next.get(0)).isSameAs(root);
    assertThat(a.weights).isSameAs(b.weights);
    assertThat(Arrays.equals(a.weights, ((Node) want.get("root")).next.get(0).weights)).isTrue();
    assertThat(back.get("points")).isEqualTo(want.get("points"));
    assertThat(back.get("set")).isEqualTo(want.get("set"));
    assertThat((int[]) back.get("ints")).containsExactly(1, 2, 3);
    assertThat(Arrays.equals((long[]) back.get("longs"), (long[]) want.get("longs"))).isTrue();
    assertThat((byte[]) back.get("bytes")).hasSize(5000);
    assertThat((boolean[]) back.get("booleans")).containsExactly(true, false, true);
    assertThat(Arrays.equals((char[]) back.get("chars"), (char[]) want.get("chars"))).isTrue();
    assertThat(back.get("money")).isEqualTo(new BigDecimal("12.3400"));
    assertThat(back.get("when")).isEqualTo(want.get("when"));
    assertThat(back.get("day")).isEqualTo(want.get("day"));
    assertThat((Map<String, Object>) back.get("empty")).isEmpty();
    assertThat(back).containsKey("nothing");
    assertThat(back.get("nothing")).isNull();
    assertThat(back.get("buffer")).isEqualTo(want.get("buffer"));
    assertThat(new ArrayList<>(back.keySet())).isEqualTo(new ArrayList<>(want.keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "zlib", "gzip", "lz4", "zstd", "xz"})
  void graphsRoundTripThroughFilesAndStreamsWithEveryCompressor(String name) {
    Compression c = Compression.of(name);
    Path file = dir.resolve("g." + name);
    Joblib.dump(graph(), file, c);
    checkGraph(Joblib.load(file));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Joblib.dump(graph(), bytes, DumpOptions.defaults().withCompression(c));
    checkGraph(Joblib.load(new ByteArrayInputStream(bytes.toByteArray())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "lz4", "zstd"})
  void largeArrayRoundTrips(String name) {
    double[] big = new SplittableRandom(5).doubles(4_000_000).toArray(); // 32 MB
    Path file = dir.resolve("big");
    Joblib.dump(big, file, Compression.of(name));
    double[] back = Joblib.load(file);
    assertThat(Arrays.equals(back, big)).isTrue();
  }

  @Test
  void oneHundredMegabyteArrayRoundTripsRawAndCompressed() throws IOException {
    double[] big = new double[13_107_200]; // 100 MiB
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < big.length; i += 7) {
      big[i] = r.nextDouble();
    }
    Path raw = dir.resolve("raw");
    Joblib.dump(big, raw);
    assertThat(Files.size(raw)).isBetween(100L << 20, (100L << 20) + 4096);
    assertThat(Arrays.equals(Joblib.<double[]>load(raw), big)).isTrue();
    Path packed = dir.resolve("packed");
    Joblib.dump(big, packed, Compression.lz4());
    assertThat(Files.size(packed)).isLessThan(50L << 20);
    assertThat(Arrays.equals(Joblib.<double[]>load(packed), big)).isTrue();
  }

  @Test
  void scalarsAndNullRoundTrip() {
    for (Object v : new Object[] {null, 1, 1L, "1", 1.0, Optional.of(3).isPresent(), 'c'}) {
      Path f = dir.resolve("v");
      Joblib.dump(v, f);
      assertThat((Object) Joblib.load(f)).isEqualTo(v);
    }
  }

  @Test
  void truncatedFilesAreRefusedWithThePath() throws IOException {
    for (String name : new String[] {"none", "zlib", "lz4", "zstd", "xz"}) {
      Path file = dir.resolve("t-" + name);
      Joblib.dump(graph(), file, Compression.of(name));
      byte[] all = Files.readAllBytes(file);
      for (int cut :
          new int[] {0, 3, 9, all.length / 3, all.length / 2, all.length - 5, all.length - 1}) {
        Path t = dir.resolve("cut-" + name + "-" + cut);
        Files.write(t, Arrays.copyOf(all, cut));
        assertThatThrownBy(() -> Joblib.load(t))
            .as("%s cut at %d of %d", name, cut, all.length)
            .isInstanceOf(PersistenceException.class)
            .hasMessageContaining(t.toString())
            .satisfies(e -> assertThat(((PersistenceException) e).path()).contains(t));
      }
    }
  }

  @Test
  void bitFlipsAreRefusedWithThePath() throws IOException {
    for (String name : new String[] {"none", "gzip", "lz4", "zstd", "xz"}) {
      Path file = dir.resolve("f-" + name);
      Joblib.dump(graph(), file, Compression.of(name));
      byte[] all = Files.readAllBytes(file);
      SplittableRandom r = new SplittableRandom(name.hashCode());
      for (int k = 0; k < 12; k++) {
        int at = k == 0 ? 1 : 8 + r.nextInt(all.length - 8);
        byte[] bad = all.clone();
        bad[at] ^= (byte) (1 << r.nextInt(8));
        Path t = dir.resolve("flip-" + name + "-" + at);
        Files.write(t, bad);
        assertThatThrownBy(() -> Joblib.load(t))
            .as("%s flipped at %d of %d", name, at, all.length)
            .isInstanceOf(PersistenceException.class)
            .hasMessageContaining(t.toString());
      }
    }
  }

  /**
   * Every byte of an uncompressed dump is covered: the header by its checks, the object stream,
   * block table and blocks by their CRC32C, the padding by being zero, the end by its marker. So a
   * single bit flipped anywhere (one bit per byte, cycling through the bit positions) is refused,
   * whether the file is read, memory-mapped with {@code withMappedChecksums(true)} (the mapping is
   * checked before it is handed out) or read as a stream.
   */
  @Test
  void everySingleBitFlipInAnUncompressedDumpIsRefused() throws IOException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("name", "series");
    value.put("values", new SplittableRandom(3).doubles(200).toArray()); // 1,600 B: out of band
    value.put("buffer", DoubleBuffer.wrap(new SplittableRandom(4).doubles(40).toArray()));
    value.put("ints", new int[] {7, 8, 9}); // inline
    Path file = dir.resolve("whole");
    Joblib.dump(value, file);
    byte[] all = Files.readAllBytes(file);
    Path t = dir.resolve("flipped");
    Files.write(t, all);
    try (RandomAccessFile flipped = new RandomAccessFile(t.toFile(), "rw")) {
      for (int at = 0; at < all.length; at++) {
        byte[] bad = all.clone();
        bad[at] ^= (byte) (1 << (at % 8));
        flipped.seek(at);
        flipped.write(bad[at]); // in place, restored below: one write per flip, not one file
        int where = at;
        for (LoadOptions options :
            List.of(LoadOptions.defaults(), LoadOptions.mmap().withMappedChecksums(true))) {
          assertThatThrownBy(() -> Joblib.load(t, options))
              .as("bit %d of byte %d of %d, %s", where % 8, where, all.length, options)
              .isInstanceOf(PersistenceException.class)
              .hasMessageContaining(t.toString());
        }
        assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream(bad)))
            .as("bit %d of byte %d of %d, from a stream", where % 8, where, all.length)
            .isInstanceOf(PersistenceException.class);
        flipped.seek(at);
        flipped.write(all[at]);
      }
    }
    assertThat(Files.readAllBytes(t)).isEqualTo(all);
    Map<String, Object> back = Joblib.load(file, LoadOptions.mmap().withMappedChecksums(true));
    assertThat((double[]) back.get("values")).isEqualTo((double[]) value.get("values"));
    assertThat(back.get("buffer")).isEqualTo(value.get("buffer"));
  }

  @Test
  void corruptStreamsNameTheStream() {
    assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream("not a dump".getBytes())))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("stream")
        .hasMessageContaining("not a joblib dump")
        .satisfies(
            e -> assertThat(((PersistenceException) e).reason()).isEqualTo(Reason.NOT_A_DUMP));
  }

  @Test
  void missingFileNamesThePath() {
    Path nowhere = dir.resolve("missing.jbl");
    assertThatThrownBy(() -> Joblib.load(nowhere))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining(nowhere.toString());
  }

  /** Stands for a class a user did not expect in a file. */
  static final class Outsider implements Serializable {
    private static final long serialVersionUID = 1L;
    final String payload = "x";
  }

  @Test
  void allowListRefusesOtherClasses() {
    Path file = dir.resolve("outsider");
    Joblib.dump(new ArrayList<>(List.of(new Point(1, 2, "ok"), new Outsider())), file);
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.allow(Point.class.getName())))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(Outsider.class.getName())
        .satisfies(e -> assertThat(((PersistenceException) e).reason()).isEqualTo(Reason.REFUSED));
    List<?> ok = Joblib.load(file, LoadOptions.allow("dev.joblib.**"));
    assertThat(ok).hasSize(2);
  }

  @Test
  void knownGadgetClassesAreRefusedEvenWhenAllowListed() throws Exception {
    // a serializable JDK class from a gadget package, written as a plain Java object stream
    Path file = dir.resolve("gadget");
    Object gadget = new javax.management.BadAttributeValueExpException("boom");
    Joblib.dump(List.of(gadget), file);
    assertThatThrownBy(() -> Joblib.load(file))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("javax.management.BadAttributeValueExpException")
        .hasMessageContaining("gadget");
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.allow("javax.**")))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("gadget");
  }

  @Test
  void limitsBoundDepthAndArrays() {
    Path file = dir.resolve("deep");
    List<Object> deep = new ArrayList<>();
    List<Object> cur = deep;
    for (int i = 0; i < 50; i++) {
      List<Object> next = new ArrayList<>();
      cur.add(next);
      cur = next;
    }
    Joblib.dump(deep, file);
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.defaults().withLimits(20, 1000, 1000)))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("maxDepth");
    Path arrays = dir.resolve("arrays");
    Joblib.dump(new double[100_000], arrays);
    assertThatThrownBy(
            () -> Joblib.load(arrays, LoadOptions.defaults().withLimits(100, 1000, 1000)))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("maxArrayLength");
  }

  @Test
  void signedFilesVerifyAndTamperedOnesAreRefused() throws IOException {
    Path file = dir.resolve("signed");
    Joblib.dump(graph(), file, DumpOptions.sign(KEY).withCompression(Compression.lz4()));
    checkGraph(Joblib.load(file, LoadOptions.verify(KEY)));
    checkGraph(Joblib.load(file)); // no key asked: loads, checksums still apply

    byte[] all = Files.readAllBytes(file);
    for (int at : new int[] {5, all.length / 2, all.length - 40, all.length - 1}) {
      byte[] bad = all.clone();
      bad[at] ^= 1;
      Path t = dir.resolve("tampered-" + at);
      Files.write(t, bad);
      assertThatThrownBy(() -> Joblib.load(t, LoadOptions.verify(KEY)))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining(t.toString())
          .satisfies(
              e ->
                  assertThat(((PersistenceException) e).reason())
                      .isIn(Reason.BAD_SIGNATURE, Reason.NOT_A_DUMP, Reason.UNSUPPORTED_VERSION));
    }
    byte[] otherKey = "another-key-of-16+bytes".getBytes();
    assertThatThrownBy(() -> Joblib.load(file, LoadOptions.verify(otherKey)))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("signature");

    Path unsigned = dir.resolve("unsigned");
    Joblib.dump("plain", unsigned);
    assertThatThrownBy(() -> Joblib.load(unsigned, LoadOptions.verify(KEY)))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("not signed");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Joblib.dump(graph(), bytes, DumpOptions.sign(KEY));
    checkGraph(Joblib.load(new ByteArrayInputStream(bytes.toByteArray()), LoadOptions.verify(KEY)));
    byte[] bad = bytes.toByteArray();
    bad[bad.length / 2] ^= 4;
    assertThatThrownBy(() -> Joblib.load(new ByteArrayInputStream(bad), LoadOptions.verify(KEY)))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("stream")
        .hasMessageContaining("signature");
  }

  @Test
  void mmapReturnsReadOnlyMappedBuffers() throws IOException {
    double[] values = new SplittableRandom(4).doubles(1_000_000).toArray();
    Map<String, Object> m = new HashMap<>();
    m.put("doubles", DoubleBuffer.wrap(values));
    m.put("bytes", ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
    m.put("ints", IntBuffer.wrap(new int[] {7, 8, 9}));
    m.put("array", values);
    Path file = dir.resolve("mapped");
    Joblib.dump(m, file);

    Map<String, Object> back = Joblib.load(file, LoadOptions.mmap());
    DoubleBuffer d = (DoubleBuffer) back.get("doubles");
    assertThat(d.isReadOnly()).isTrue();
    assertThat(d.isDirect()).isTrue();
    assertThat(d.remaining()).isEqualTo(values.length);
    assertThat(d.get(123_456)).isEqualTo(values[123_456]);
    assertThat(back.get("bytes")).isInstanceOf(MappedByteBuffer.class);
    assertThat((ByteBuffer) back.get("bytes"))
        .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
    assertThat(back.get("ints")).isEqualTo(IntBuffer.wrap(new int[] {7, 8, 9}));
    assertThat(Arrays.equals((double[]) back.get("array"), values)).isTrue();

    Map<String, Object> plain = Joblib.load(file);
    assertThat(((DoubleBuffer) plain.get("doubles")).isReadOnly()).isFalse();
    assertThat(plain.get("doubles")).isEqualTo(d);

    Path packed = dir.resolve("mapped.lz4");
    Joblib.dump(m, packed, Compression.lz4());
    Map<String, Object> notMapped = Joblib.load(packed, LoadOptions.mmap());
    assertThat(((DoubleBuffer) notMapped.get("doubles")).isReadOnly()).isFalse();
    assertThat(notMapped.get("doubles")).isEqualTo(d);
  }

  @Test
  void dumpIsAtomicAndReplacesWholeFiles() throws IOException {
    Path file = dir.resolve("keep");
    Joblib.dump("first", file);
    byte[] before = Files.readAllBytes(file);
    Object notSerializable = new Object();
    assertThatThrownBy(() -> Joblib.dump(List.of("x", notSerializable), file))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("java.lang.Object")
        .satisfies(
            e ->
                assertThat(((PersistenceException) e).reason()).isEqualTo(Reason.NOT_SERIALIZABLE));
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep");
    }
    Joblib.dump("second", file);
    assertThat((String) Joblib.load(file)).isEqualTo("second");
  }

  @Test
  void streamsAreLeftOpen() {
    boolean[] closed = {false};
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    Joblib.dump("a", out, DumpOptions.defaults().withCompression(Compression.zstd(3)));
    Joblib.dump("b", out);
    assertThat(closed[0]).isFalse();
    InputStream in =
        new FilterInputStream(new ByteArrayInputStream(out.toByteArray())) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    assertThat((String) Joblib.load(in)).isEqualTo("a");
    assertThat(closed[0]).isFalse();
  }

  @Test
  void uncompressedDumpsCanFollowEachOtherInOneStream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    double[] big = new SplittableRandom(3).doubles(200_000).toArray();
    Joblib.dump(big, out);
    Joblib.dump(List.of("second"), out);
    Joblib.dump(graph(), out, DumpOptions.sign(KEY));
    Joblib.dump("last", out);
    InputStream in = new ByteArrayInputStream(out.toByteArray());
    assertThat(Arrays.equals(Joblib.<double[]>load(in), big)).isTrue();
    assertThat(Joblib.<List<String>>load(in)).containsExactly("second");
    checkGraph(Joblib.load(in));
    assertThat((String) Joblib.load(in)).isEqualTo("last");
  }

  @Test
  void compressionArgumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> Compression.of("snappyish", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snappyish")
        .hasMessageContaining("zstd");
    assertThatThrownBy(() -> Compression.zlib(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 9")
        .hasMessageContaining("got level 0");
    assertThatThrownBy(() -> Compression.of("none", 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Compression.of("zstd")).isEqualTo(Compression.zstd(3));
    assertThat(Compression.none().isNone()).isTrue();
    assertThatThrownBy(() -> DumpOptions.sign(new byte[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> LoadOptions.allow("com.acme.**.bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.acme.**.bad");
  }

  /** A toy-free custom compressor: the JDK's deflate without the zlib header ("raw deflate"). */
  static final class RawDeflate implements Compressor {
    @Override
    public String name() {
      return "rawdeflate";
    }

    @Override
    public int minLevel() {
      return 1;
    }

    @Override
    public int maxLevel() {
      return 9;
    }

    @Override
    public int defaultLevel() {
      return 6;
    }

    @Override
    public OutputStream compress(OutputStream out, int level) {
      return new java.util.zip.DeflaterOutputStream(out, new java.util.zip.Deflater(level, true));
    }

    @Override
    public InputStream decompress(InputStream in) {
      return new java.util.zip.InflaterInputStream(in, new java.util.zip.Inflater(true));
    }
  }

  @Test
  void registeredCompressorsAreUsedAndDetectedOnLoad() {
    Joblib.registerCompressor("rawdeflate", new RawDeflate(), true);
    assertThatThrownBy(() -> Joblib.registerCompressor("rawdeflate", new RawDeflate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> Joblib.registerCompressor("Bad Name", new RawDeflate()))
        .isInstanceOf(IllegalArgumentException.class);
    Path file = dir.resolve("custom");
    Joblib.dump(graph(), file, Compression.of("rawdeflate", 9));
    checkGraph(Joblib.load(file));
  }

  @Test
  void unknownCompressorInAFileIsNamed() throws IOException {
    Path file = dir.resolve("unknown");
    Joblib.dump("x", file, Compression.zlib(1));
    byte[] all = Files.readAllBytes(file);
    // header: magic(4) version flags nameLength "zlib": rename the compressor to "zzzz"
    all[7] = 'z';
    all[8] = 'z';
    all[9] = 'z';
    all[10] = 'z';
    Files.write(file, all);
    assertThatThrownBy(() -> Joblib.load(file))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("'zzzz'")
        .satisfies(
            e ->
                assertThat(((PersistenceException) e).reason())
                    .isEqualTo(Reason.UNKNOWN_COMPRESSOR));
  }

  @Test
  void newerFormatVersionsAreNamed() throws IOException {
    Path file = dir.resolve("future");
    Joblib.dump("x", file);
    byte[] all = Files.readAllBytes(file);
    all[4] = 9;
    Files.write(file, all);
    assertThatThrownBy(() -> Joblib.load(file))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("version 9")
        .satisfies(
            e ->
                assertThat(((PersistenceException) e).reason())
                    .isEqualTo(Reason.UNSUPPORTED_VERSION));
  }
}
