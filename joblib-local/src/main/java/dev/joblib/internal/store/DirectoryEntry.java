package dev.joblib.internal.store;

import dev.joblib.spi.EntryKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** An entry of a {@link DirectoryStore}: its output file, and the metadata file beside it. */
class DirectoryEntry<P> extends SizedEntry {
  private final DirectoryStore<P, ?> store;
  private final P output;

  DirectoryEntry(DirectoryStore<P, ?> store, EntryKey key, P output, long size) {
    super(key, size);
    this.store = store;
    this.output = output;
  }

  final P output() {
    return output;
  }

  @Override
  public InputStream openOutput() {
    try {
      return store.open(output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open cache entry " + output, e);
    }
  }

  @Override
  public Optional<java.net.URI> directory() {
    return Optional.of(store.uri(store.parent(output)));
  }

  @Override
  public Optional<byte[]> readMetadata() {
    return store.readIfPresent(store.resolve(store.parent(output), DirectoryStore.METADATA));
  }
}
