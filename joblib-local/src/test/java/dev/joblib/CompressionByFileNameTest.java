package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** joblib's dump picks the compressor from the file name when no compression is given. */
class CompressionByFileNameTest {
  private static final byte[] KEY = "0123456789abcdef-secret".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  static Map<String, Object> value() {
    Map<String, Object> m = new HashMap<>();
    m.put("name", "model");
    m.put("weights", new double[4096]); // out of band, compresses well
    m.put("list", List.of(1, 2, 3));
    return m;
  }

  /** The compressor name in the dump's header: magic(4) version flags length name. */
  static String headerCompressor(byte[] file) {
    assertThat(Arrays.copyOf(file, 4)).containsExactly(0x89, 'J', 'B', 'L');
    int length = file[6] & 0xff;
    return new String(file, 7, length, StandardCharsets.US_ASCII);
  }

  /** The first bytes of the body, after the header. */
  static byte[] bodyStart(byte[] file, int n) {
    int start = 7 + (file[6] & 0xff);
    return Arrays.copyOfRange(file, start, start + n);
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    ".z, zlib, 78",
    ".gz, gzip, 1f8b",
    ".xz, xz, fd377a585a00",
    ".lz4, lz4, 04224d18",
    ".zst, zstd, 28b52ffd",
  })
  void theExtensionPicksTheCompressor(String extension, String compressor, String magic)
      throws Exception {
    Path path = dir.resolve("model.jbl" + extension);
    Joblib.dump(value(), path);

    byte[] file = Files.readAllBytes(path);
    assertThat(headerCompressor(file)).isEqualTo(compressor);
    assertThat(bodyStart(file, magic.length() / 2)).containsExactly(hex(magic));
    Map<String, Object> back = Joblib.load(path);
    assertThat(back.get("name")).isEqualTo("model");
    assertThat((double[]) back.get("weights")).hasSize(4096);
    assertThat(back.get("list")).isEqualTo(List.of(1, 2, 3));
  }

  @Test
  void theCompressorRunsAtItsDefaultLevel() throws Exception {
    Path byName = dir.resolve("a.gz");
    Path explicit = dir.resolve("b.jbl");
    Joblib.dump(value(), byName);
    Joblib.dump(value(), explicit, Compression.of("gzip"));
    assertThat(Files.size(byName)).isEqualTo(Files.size(explicit));
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.jbl", "model", "model.pkl", "model.gz.bak", "model.Z"})
  void otherNamesStayUncompressed(String name) throws Exception {
    Path path = dir.resolve(name);
    Joblib.dump(value(), path);
    assertThat(headerCompressor(Files.readAllBytes(path))).isEqualTo("none");
  }

  @Test
  void anExplicitCompressionWins() throws Exception {
    Path none = dir.resolve("none.gz");
    Path xz = dir.resolve("xz.gz");
    Path signed = dir.resolve("signed.gz");
    Joblib.dump(value(), none, Compression.none());
    Joblib.dump(value(), xz, DumpOptions.defaults().withCompression(Compression.xz(1)));
    Joblib.dump(value(), signed, DumpOptions.sign(KEY).withCompression(Compression.lz4()));

    assertThat(headerCompressor(Files.readAllBytes(none))).isEqualTo("none");
    assertThat(headerCompressor(Files.readAllBytes(xz))).isEqualTo("xz");
    assertThat(headerCompressor(Files.readAllBytes(signed))).isEqualTo("lz4");
  }

  @Test
  void signingKeepsTheChoiceByName() throws Exception {
    Path path = dir.resolve("signed.jbl.gz");
    Joblib.dump(value(), path, DumpOptions.sign(KEY));

    assertThat(headerCompressor(Files.readAllBytes(path))).isEqualTo("gzip");
    Map<String, Object> back = Joblib.load(path, LoadOptions.verify(KEY));
    assertThat(back.get("name")).isEqualTo("model");
  }

  @ParameterizedTest
  @CsvSource({".bz2, bz2", ".lzma, lzma"})
  void anExtensionWithoutItsCompressorFailsNamingIt(String extension, String compressor) {
    Path path = dir.resolve("model" + extension);

    assertThatThrownBy(() -> Joblib.dump(value(), path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + extension + "'")
        .hasMessageContaining("'" + compressor + "'")
        .hasMessageContaining("[none, gzip, lz4, xz, zlib, zstd")
        .hasMessageContaining("Compression.none()");
    assertThat(path).doesNotExist();
  }

  @Test
  void streamsHaveNoNameAndStayUncompressed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Joblib.dump(value(), out);
    assertThat(headerCompressor(out.toByteArray())).isEqualTo("none");
  }

  @Test
  void optionsTellAChoiceByNameFromAnExplicitNone() {
    assertThat(DumpOptions.defaults())
        .isNotEqualTo(DumpOptions.defaults().withCompression(Compression.none()));
    assertThat(DumpOptions.defaults().toString()).contains("by file name");
  }
}
