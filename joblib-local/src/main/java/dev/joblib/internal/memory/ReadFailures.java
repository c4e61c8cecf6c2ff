package dev.joblib.internal.memory;

import dev.joblib.PersistenceException;
import java.io.UncheckedIOException;

/**
 * Tells a damaged entry, which Memory deletes and computes again, from one that only cannot be read
 * here and now, which it keeps: deleting a good entry of a shared store because a storage node is
 * down, or because this JVM lacks a class or a value codec that other readers have, would lose
 * stored data for everyone.
 */
final class ReadFailures {
  private ReadFailures() {}

  /**
   * Whether a failure to read an entry shows that the entry itself is bad.
   *
   * @param failure what reading the entry threw
   * @return true for bytes that are not a dump, truncated, altered, badly signed or refused by the
   *     load filter, for a value whose own {@code readObject} rejects its bytes, for a load that
   *     runs out of memory or stack (the filter bounds what bytes can declare, so what still
   *     exhausts the heap is treated as hostile), and for an unknown format version or compressor
   *     name (the header has no checksum: a flipped bit there cannot be told from a newer library,
   *     so readers of an older joblib delete a newer one's entries); false for a read of the store
   *     that failed (at open or midway), and a class, a compressor's optional library or a value
   *     codec missing from this JVM
   */
  static boolean damaged(Throwable failure) {
    if (failure instanceof PersistenceException e) {
      return switch (e.reason()) {
        // the header has no checksum: a flipped bit reads as a newer version or another compressor
        case NOT_A_DUMP,
            TRUNCATED,
            CORRUPT,
            BAD_SIGNATURE,
            REFUSED,
            UNSUPPORTED_VERSION,
            UNKNOWN_COMPRESSOR ->
            true;
        // classes are resolved only after the graph's checksum matched: the bytes are intact
        case IO, CLASS_NOT_FOUND, NOT_SERIALIZABLE -> false;
      };
    }
    return !(failure instanceof UncheckedIOException
        || failure instanceof UnreadableHereException
        || failure instanceof LinkageError);
  }
}
