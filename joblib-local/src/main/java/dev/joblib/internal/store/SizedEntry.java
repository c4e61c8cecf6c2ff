package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoredEntry;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A stored entry whose key and output size are known when it is found; no local file by default.
 */
public abstract class SizedEntry implements StoredEntry {
  private final EntryKey key;
  private final long size;

  /**
   * Creates the entry.
   *
   * @param key its key
   * @param size its output's size in bytes
   */
  protected SizedEntry(EntryKey key, long size) {
    this.key = key;
    this.size = size;
  }

  @Override
  public final EntryKey key() {
    return key;
  }

  @Override
  public final long outputSize() {
    return size;
  }

  @Override
  public Optional<Path> localOutputFile() {
    return Optional.empty();
  }
}
