package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Compressor} passes: round trips of empty, tiny, incompressible, highly
 * compressible and 100 MB data at its levels, sane levels and name, and corrupt input refused.
 * Subclass it and return the compressor under test.
 */
public abstract class CompressorContract {
  /** The compressor under test. */
  protected abstract Compressor compressor();

  /** The level for the 100 MB round trip (the default level unless that is very slow). */
  protected int largeLevel() {
    return compressor().defaultLevel();
  }

  /** Size of the large round trip, in MiB: 100 unless the compressor is very slow. */
  protected int largeMegabytes() {
    return 100;
  }

  private byte[] roundTrip(byte[] data, int level) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compressor().compress(sink, level)) {
      out.write(data);
    }
    try (InputStream in = compressor().decompress(new ByteArrayInputStream(sink.toByteArray()))) {
      return in.readAllBytes();
    }
  }

  private byte[] compress(byte[] data, int level) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compressor().compress(sink, level)) {
      out.write(data);
    }
    return sink.toByteArray();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i += 8) {
      long v = r.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        b[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return b;
  }

  @Test
  void nameAndLevelsAreSane() {
    Compressor c = compressor();
    assertThat(c.name()).matches("[a-z0-9_-]{1,32}").isNotEqualTo("none");
    assertThat(c.minLevel()).isLessThanOrEqualTo(c.defaultLevel());
    assertThat(c.defaultLevel()).isLessThanOrEqualTo(c.maxLevel());
  }

  @Test
  void emptyDataRoundTrips() throws IOException {
    assertThat(roundTrip(new byte[0], compressor().defaultLevel())).isEmpty();
  }

  @Test
  void tinyDataRoundTripsAtEveryEndOfTheLevelRange() throws IOException {
    byte[] one = {42};
    byte[] text = "joblib for the JVM".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int level :
        new int[] {compressor().minLevel(), compressor().defaultLevel(), compressor().maxLevel()}) {
      assertThat(roundTrip(one, level)).as("level %d", level).containsExactly(one);
      assertThat(roundTrip(text, level)).as("level %d", level).containsExactly(text);
    }
  }

  @Test
  void incompressibleDataRoundTripsWithBoundedGrowth() throws IOException {
    byte[] data = random(512 << 10, 7);
    byte[] packed = compress(data, compressor().defaultLevel());
    assertThat(packed.length).isLessThan(data.length + data.length / 50 + 1024);
    assertThat(roundTrip(data, compressor().defaultLevel())).isEqualTo(data);
  }

  @Test
  void highlyCompressibleDataShrinks() throws IOException {
    byte[] data = new byte[8 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i % 7 == 0 ? i >>> 12 : 0);
    }
    byte[] packed = compress(data, compressor().defaultLevel());
    assertThat(packed.length).isLessThan(data.length / 10);
    assertThat(roundTrip(data, compressor().defaultLevel())).isEqualTo(data);
  }

  @Test
  void largeDataRoundTripsThroughStreams() throws IOException {
    byte[] block = new byte[1 << 20];
    byte[] noise = random(block.length / 16, 3);
    for (int i = 0; i < noise.length; i++) {
      block[i * 16] = noise[i]; // like a sparse numeric array: compressible, not trivially
      block[i * 16 + 1] = (byte) (i >>> 8);
    }
    int blocks = largeMegabytes();
    ByteArrayOutputStream sink = new ByteArrayOutputStream(64 << 20);
    try (OutputStream out = compressor().compress(sink, largeLevel())) {
      for (int i = 0; i < blocks; i++) {
        block[0] = (byte) i;
        out.write(block);
      }
    }
    byte[] got = new byte[block.length];
    try (InputStream in = compressor().decompress(new ByteArrayInputStream(sink.toByteArray()))) {
      for (int i = 0; i < blocks; i++) {
        block[0] = (byte) i;
        assertThat(in.readNBytes(got, 0, got.length)).as("block %d", i).isEqualTo(got.length);
        assertThat(Arrays.equals(got, block)).as("block %d equal", i).isTrue();
      }
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void alteredDataIsRefused() throws IOException {
    byte[] data = random(256 << 10, 11);
    Arrays.fill(data, 0, 128 << 10, (byte) 5);
    byte[] packed = compress(data, compressor().defaultLevel());
    packed[packed.length / 2] ^= 0x55;
    assertThatThrownBy(
            () -> {
              try (InputStream in = compressor().decompress(new ByteArrayInputStream(packed))) {
                byte[] back = in.readAllBytes();
                if (!Arrays.equals(back, data)) {
                  throw new AssertionError("altered data decoded silently to different bytes");
                }
              }
            })
        .isNotInstanceOf(AssertionError.class);
  }

  @Test
  void truncatedDataIsRefused() throws IOException {
    byte[] data = random(256 << 10, 13);
    byte[] packed = compress(data, compressor().defaultLevel());
    byte[] cut = Arrays.copyOf(packed, packed.length * 2 / 3);
    assertThatThrownBy(
            () -> {
              try (InputStream in = compressor().decompress(new ByteArrayInputStream(cut))) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class);
  }
}
