package dev.joblib.internal.memory;

import dev.joblib.internal.Secrets;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Memory's settings, carried by every cached function so that it can reopen the store wherever it
 * runs.
 *
 * @param location the store location as a URI string, or null for a Memory that caches nothing
 * @param compression the compressor's name ({@code "none"} for none)
 * @param compressionLevel the compressor's level
 * @param signingKey the HMAC key signing and verifying entries, or null
 * @param mmap whether large arrays of cached results are memory-mapped on load
 * @param verbose joblib's verbosity
 * @param maxBytes the size above which the least recently used entries are evicted after a write,
 *     or -1
 * @param storeOptions the store options
 * @param allowed class patterns entries may load besides what safe mode admits (see {@link
 *     EntryReader}), empty for none
 */
record MemorySettings(
    String location,
    String compression,
    int compressionLevel,
    byte[] signingKey,
    boolean mmap,
    int verbose,
    long maxBytes,
    Map<String, String> storeOptions,
    List<String> allowed)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Copies the mutable parts. */
  MemorySettings {
    signingKey = signingKey == null ? null : signingKey.clone();
    storeOptions = Map.copyOf(storeOptions);
    allowed = List.copyOf(allowed);
  }

  /** Returns a copy of the signing key, or null. */
  @Override
  public byte[] signingKey() {
    return signingKey == null ? null : signingKey.clone();
  }

  /** Whether entries are signed, without copying the key. */
  boolean signed() {
    return signingKey != null;
  }

  /**
   * Identifies the store: the location and its options, secret values replaced by a fingerprint, so
   * that this JVM's maps keyed by it hold no secret.
   */
  String storeId() {
    return location + " " + Secrets.cacheKey(storeOptions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemorySettings s
        && Objects.equals(location, s.location)
        && compression.equals(s.compression)
        && compressionLevel == s.compressionLevel
        && Arrays.equals(signingKey, s.signingKey)
        && mmap == s.mmap
        && verbose == s.verbose
        && maxBytes == s.maxBytes
        && storeOptions.equals(s.storeOptions)
        && allowed.equals(s.allowed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, compression, compressionLevel, mmap, verbose, maxBytes)
        ^ Arrays.hashCode(signingKey);
  }

  @Override
  public String toString() {
    return "MemorySettings[location="
        + location
        + ", compression="
        + compression
        + ":"
        + compressionLevel
        + ", signed="
        + (signingKey != null)
        + ", mmap="
        + mmap
        + ", verbose="
        + verbose
        + ", maxBytes="
        + maxBytes
        + ", storeOptions="
        + storeOptions.keySet()
        + ", allowed="
        + allowed
        + "]";
  }
}
