package dev.joblib;

import java.util.Arrays;
import java.util.Objects;

/**
 * How {@code Joblib.dump} writes: the {@link Compression} and an optional HMAC-SHA256 signing key.
 * Immutable; each {@code with} method returns a copy.
 *
 * <pre>{@code
 * Joblib.dump(model, path, DumpOptions.sign(key).withCompression(Compression.lz4()));
 * Model m = Joblib.load(path, LoadOptions.verify(key));
 * }</pre>
 *
 * @since 0.1
 */
public final class DumpOptions {
  private static final DumpOptions DEFAULTS = new DumpOptions(Compression.none(), null);

  private final Compression compression;
  private final byte[] key;

  private DumpOptions(Compression compression, byte[] key) {
    this.compression = compression;
    this.key = key;
  }

  /**
   * Uncompressed and unsigned.
   *
   * @return the defaults
   */
  public static DumpOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Signed with HMAC-SHA256 under {@code key}, uncompressed: a load with {@link
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
   * The compression.
   *
   * @return the compression, never null
   */
  public Compression compression() {
    return compression;
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
    return "DumpOptions[compression=" + compression + ", signed=" + isSigned() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DumpOptions d
        && d.compression.equals(compression)
        && Arrays.equals(d.key, key);
  }

  @Override
  public int hashCode() {
    return compression.hashCode() * 31 + Arrays.hashCode(key);
  }
}
