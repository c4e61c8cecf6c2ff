package dev.joblib;

import java.util.Arrays;
import java.util.Objects;

/**
 * How {@code Joblib.dump} writes: the {@link Compression} and an optional HMAC-SHA256 signing key.
 * Immutable; each {@code with} method returns a copy.
 *
 * <p>Until {@link #withCompression(Compression)} is called, the compression is chosen from the file
 * name as joblib does: {@code .z} zlib, {@code .gz} gzip, {@code .xz} xz, {@code .lz4} lz4, {@code
 * .zst} zstd, each at its default level ({@code .bz2} and {@code .lzma} need a compressor
 * registered under that name); other names and streams are written uncompressed. A compression
 * given explicitly, {@link Compression#none()} included, wins over the file name.
 *
 * <pre>{@code
 * Joblib.dump(model, path, DumpOptions.sign(key).withCompression(Compression.lz4()));
 * Model m = Joblib.load(path, LoadOptions.verify(key));
 * }</pre>
 *
 * @since 0.1
 */
public final class DumpOptions {
  private static final DumpOptions DEFAULTS = new DumpOptions(null, null);

  /** Null until set: then dump chooses from the file name. */
  private final Compression compression;

  private final byte[] key;

  private DumpOptions(Compression compression, byte[] key) {
    this.compression = compression;
    this.key = key;
  }

  /**
   * Unsigned, compressed as the file name says (uncompressed for other names and for streams).
   *
   * @return the defaults
   */
  public static DumpOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Signed with HMAC-SHA256 under {@code key}, compressed as the file name says: a load with {@link
   * LoadOptions#verify(byte[])} and the same key refuses the file if any byte changed.
   *
   * @param key the secret key, at least 16 bytes (copied)
   * @return the options
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is shorter than 16 bytes
   */
  public static DumpOptions sign(byte[] key) {
    return DEFAULTS.withSignature(key);
  }

  /**
   * A copy with another compression.
   *
   * @param compression the compression, never null
   * @return the copy
   * @throws NullPointerException if {@code compression} is null
   */
  public DumpOptions withCompression(Compression compression) {
    return new DumpOptions(
        Objects.requireNonNull(compression, "compression must not be null"), key);
  }

  /**
   * A copy that signs with HMAC-SHA256 under {@code key}.
   *
   * @param key the secret key, at least 16 bytes (copied)
   * @return the copy
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is shorter than 16 bytes
   */
  public DumpOptions withSignature(byte[] key) {
    return new DumpOptions(compression, checkKey(key));
  }

  static byte[] checkKey(byte[] key) {
    Objects.requireNonNull(key, "key must not be null");
    if (key.length < 16) {
      throw new IllegalArgumentException(
          "key must be at least 16 bytes for HMAC-SHA256, got " + key.length + " bytes");
    }
    return key.clone();
  }

  /**
   * The compression given with {@link #withCompression(Compression)}, or {@link Compression#none()}
   * if none was given (then a dump to a file chooses it from the file name, see {@link
   * #compressionFromFileName()}).
   *
   * @return the compression, never null
   */
  public Compression compression() {
    return compression == null ? Compression.none() : compression;
  }

  /**
   * Whether a dump to a file chooses the compression from the file name, because none was given.
   *
   * @return true until {@link #withCompression(Compression)} is called
   */
  public boolean compressionFromFileName() {
    return compression == null;
  }

  /**
   * Whether dumps are signed.
   *
   * @return true if a key was given
   */
  public boolean isSigned() {
    return key != null;
  }

  byte[] key() {
    return key;
  }

  @Override
  public String toString() {
    return "DumpOptions[compression="
        + (compression == null ? "by file name" : compression)
        + ", signed="
        + isSigned()
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DumpOptions d
        && Objects.equals(d.compression, compression)
        && Arrays.equals(d.key, key);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(compression) * 31 + Arrays.hashCode(key);
  }
}
