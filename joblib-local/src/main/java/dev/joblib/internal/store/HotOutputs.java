package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of small entry outputs this JVM read lately, each valid only while the file is the one
 * they were read from: same file key (device and inode), size and modification time. A hit on a
 * small entry then costs one stat instead of an open, a read and a close.
 *
 * <p>Sound because a published output is never written in place: a new value for the same key is a
 * new file (a new directory renamed into place), and recording an access changes only the access
 * time. On a file system without file keys nothing is kept. Bounded by total bytes: past the bound
 * everything is dropped, and the next hits read their files again.
 */
final class HotOutputs {
  private final long maxBytes;
  private final ConcurrentHashMap<EntryKey, Hot> outputs = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();

  private record Hot(Object fileKey, long size, FileTime modified, byte[] output) {
    boolean isOf(BasicFileAttributes file) {
      return size == file.size()
          && Objects.equals(fileKey, file.fileKey())
          && modified.equals(file.lastModifiedTime());
    }
  }

  HotOutputs(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The output read from {@code file} earlier, or null; the caller must not change it. */
  byte[] get(EntryKey key, BasicFileAttributes file) {
    Hot hot = outputs.get(key);
    return hot != null && hot.isOf(file) ? hot.output() : null;
  }

  /** Keeps {@code output}, read from {@code file} after {@code file}'s attributes were read. */
  void put(EntryKey key, BasicFileAttributes file, byte[] output) {
    if (file.fileKey() == null || output.length != file.size() || output.length > maxBytes) {
      return; // nothing to tell a replaced file by, or it changed while being read
    }
    if (bytes.addAndGet(output.length) > maxBytes) {
      outputs.clear();
      bytes.set(output.length);
    }
    Hot old =
        outputs.put(key, new Hot(file.fileKey(), file.size(), file.lastModifiedTime(), output));
    if (old != null) {
      bytes.addAndGet(-old.output().length);
    }
  }

  /** Drops what was kept for an entry that is gone. */
  void forget(EntryKey key) {
    Hot old = outputs.remove(key);
    if (old != null) {
      bytes.addAndGet(-old.output().length);
    }
  }
}
