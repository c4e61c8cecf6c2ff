package dev.joblib;

import dev.joblib.internal.io.CompressorRegistry;
import dev.joblib.spi.Compressor;
import java.util.Objects;

/**
 * The compression of a dump: a compressor name and a level (joblib's {@code compress=(name,
 * level)}). The whole body of the dump goes through the compressor; {@code Joblib.load} finds it
 * again from the file's header.
 *
 * <p>Built in: {@code "zlib"} and {@code "gzip"} (JDK, levels 1-9, default 3), {@code "lz4"} (level
 * 0 = fast, 1-17 = HC; default 0), {@code "xz"} (presets 0-9, default 6) and {@code "zstd"} (levels
 * 1-22, default 3; needs the optional artifact {@code com.github.luben:zstd-jni}).
 *
 * @since 0.1
 */
public final class Compression {
  private static final Compression NONE = new Compression(CompressorRegistry.NONE, 0);

  private final String name;
  private final int level;

  private Compression(String name, int level) {
    this.name = name;
    this.level = level;
  }

  /**
   * No compression: big arrays are stored raw and can be memory-mapped on load.
   *
   * @return the uncompressed setting
   */
  public static Compression none() {
    return NONE;
  }

  /**
   * A compressor at its default level.
   *
   * @param name a registered compressor name, or {@code "none"}
   * @return the setting
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if no compressor has that name
   */
  public static Compression of(String name) {
    Objects.requireNonNull(name, "compression name must not be null");
    if (CompressorRegistry.NONE.equals(name)) {
      return NONE;
    }
    Compressor c = CompressorRegistry.require(name);
    return new Compression(name, c.defaultLevel());
  }

  /**
   * A compressor at a level.
   *
   * @param name a registered compressor name, or {@code "none"} (then {@code level} must be 0)
   * @param level a level the compressor accepts
   * @return the setting
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if no compressor has that name or the level is out of its
   *     range
   */
  public static Compression of(String name, int level) {
    Objects.requireNonNull(name, "compression name must not be null");
    if (CompressorRegistry.NONE.equals(name)) {
      if (level != 0) {
        throw new IllegalArgumentException(
            "compression 'none' takes level 0 only, got level " + level);
      }
      return NONE;
    }
    Compressor c = CompressorRegistry.require(name);
    if (level < c.minLevel() || level > c.maxLevel()) {
      throw new IllegalArgumentException(
          "compression '"
              + name
              + "' takes levels "
              + c.minLevel()
              + " to "
              + c.maxLevel()
              + ", got level "
              + level);
    }
    return new Compression(name, level);
  }

  /**
   * zlib (deflate) at a level.
   *
   * @param level 1 to 9
   * @return the setting
   * @throws IllegalArgumentException if the level is out of range
   */
  public static Compression zlib(int level) {
    return of("zlib", level);
  }

  /**
   * gzip at a level.
   *
   * @param level 1 to 9
   * @return the setting
   * @throws IllegalArgumentException if the level is out of range
   */
  public static Compression gzip(int level) {
    return of("gzip", level);
  }

  /**
   * LZ4 with the fast compressor (often faster than writing raw data to disk).
   *
   * @return the setting
   */
  public static Compression lz4() {
    return of("lz4");
  }

  /**
   * Zstandard at a level; needs {@code com.github.luben:zstd-jni} on the classpath when used.
   *
   * @param level 1 to 22
   * @return the setting
   * @throws IllegalArgumentException if the level is out of range
   */
  public static Compression zstd(int level) {
    return of("zstd", level);
  }

  /**
   * xz (LZMA2) at a preset.
   *
   * @param preset 0 to 9
   * @return the setting
   * @throws IllegalArgumentException if the preset is out of range
   */
  public static Compression xz(int preset) {
    return of("xz", preset);
  }

  /**
   * The compressor name, {@code "none"} when uncompressed.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The level (0 when uncompressed).
   *
   * @return the level
   */
  public int level() {
    return level;
  }

  /**
   * Whether this is {@link #none()}.
   *
   * @return true when uncompressed
   */
  public boolean isNone() {
    return this == NONE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression c && c.name.equals(name) && c.level == level;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + level;
  }

  @Override
  public String toString() {
    return isNone() ? "none" : name + "(" + level + ")";
  }
}
